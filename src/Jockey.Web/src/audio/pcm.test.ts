import { describe, expect, it } from 'vitest'
import { PcmDecoder } from './pcm'

const s16 = (...samples: number[]) => {
  const bytes = new Uint8Array(samples.length * 2)
  const view = new DataView(bytes.buffer)
  samples.forEach((v, i) => view.setInt16(i * 2, v, true))
  return bytes
}

describe('PcmDecoder', () => {
  it('turns little-endian 16-bit samples into floats in [-1, 1)', () => {
    const [mono] = new PcmDecoder(1).decode(s16(0, 16384, -32768, 32767))
    expect(Array.from(mono)).toEqual([0, 0.5, -1, 32767 / 32768])
  })

  it('keeps a sample split across two frames whole', () => {
    const decoder = new PcmDecoder(1)
    const bytes = s16(1000, -2000, 3000)
    const first = decoder.decode(bytes.slice(0, 3))
    const second = decoder.decode(bytes.slice(3))
    expect(first[0].length).toBe(1)
    expect(Array.from(second[0]).map((v) => Math.round(v * 32768))).toEqual([-2000, 3000])
  })

  it('de-interleaves stereo', () => {
    const [left, right] = new PcmDecoder(2).decode(s16(100, -100, 200, -200))
    expect(Array.from(left).map((v) => v * 32768)).toEqual([100, 200])
    expect(Array.from(right).map((v) => v * 32768)).toEqual([-100, -200])
  })
})
