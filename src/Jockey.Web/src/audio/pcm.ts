// PCM s16le (interleaved when channels > 1) → one Float32Array per channel. Frames may split a
// sample between two WebSocket messages, so the decoder keeps the odd bytes for the next chunk.

export class PcmDecoder {
  private carry = new Uint8Array(0)

  constructor(readonly channels = 1) {}

  decode(chunk: ArrayBuffer | Uint8Array): Float32Array[] {
    const incoming = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk)
    const bytes = new Uint8Array(this.carry.length + incoming.length)
    bytes.set(this.carry)
    bytes.set(incoming, this.carry.length)
    const frameBytes = 2 * this.channels
    const frames = Math.floor(bytes.length / frameBytes)
    this.carry = bytes.slice(frames * frameBytes)
    const view = new DataView(bytes.buffer, bytes.byteOffset, frames * frameBytes)
    const out = Array.from({ length: this.channels }, () => new Float32Array(frames))
    for (let f = 0; f < frames; f++) {
      for (let c = 0; c < this.channels; c++) {
        out[c][f] = view.getInt16((f * this.channels + c) * 2, true) / 32768
      }
    }
    return out
  }
}
