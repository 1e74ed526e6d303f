// Plays narration chunks through Web Audio: each chunk becomes an AudioBuffer started at the time
// the scheduler gives, all through one gain node (volume and mute).
import { PcmDecoder } from './pcm'
import { PlaybackScheduler } from './scheduler'

export class NarrationPlayer {
  private context: AudioContext | null = null
  private gain: GainNode | null = null
  private readonly scheduler = new PlaybackScheduler()
  private decoder = new PcmDecoder(1)
  private sampleRate = 0
  private readonly sources = new Set<AudioBufferSourceNode>()
  private level = 1

  /** Creates (or resumes) the AudioContext; call it from a user gesture so the browser lets it play. */
  unlock(): void {
    const context = this.ensureContext()
    if (context?.state === 'suspended') void context.resume()
  }

  get contextState(): AudioContextState | 'unavailable' {
    return this.context?.state ?? (typeof AudioContext === 'undefined' ? 'unavailable' : 'suspended')
  }

  begin(operationId: string, sampleRate: number, channels: number): void {
    this.scheduler.begin(operationId, sampleRate)
    this.decoder = new PcmDecoder(channels)
    this.sampleRate = sampleRate
  }

  /** Schedules one binary frame; returns whether it was scheduled and whether playback had stalled. */
  push(chunk: ArrayBuffer): { scheduled: boolean; late: boolean } {
    const context = this.ensureContext()
    if (!context || !this.gain || this.scheduler.currentStream === null) return { scheduled: false, late: false }
    const channels = this.decoder.decode(chunk)
    const frames = channels[0]?.length ?? 0
    if (frames === 0) return { scheduled: false, late: false }
    const buffer = context.createBuffer(channels.length, frames, this.sampleRate)
    channels.forEach((data, c) => buffer.copyToChannel(data as Float32Array<ArrayBuffer>, c))
    const { startAt, late } = this.scheduler.schedule(context.currentTime, frames)
    const source = context.createBufferSource()
    source.buffer = buffer
    source.connect(this.gain)
    source.onended = () => this.sources.delete(source)
    this.sources.add(source)
    source.start(startAt)
    return { scheduled: true, late }
  }

  setLevel(level: number): void {
    this.level = level
    if (this.gain && this.context) this.gain.gain.setTargetAtTime(level, this.context.currentTime, 0.02)
  }

  /** Silences everything queued (Cancel, New conversation). */
  stop(): void {
    for (const source of this.sources) source.stop()
    this.sources.clear()
    this.scheduler.reset()
  }

  close(): void {
    this.stop()
    void this.context?.close()
    this.context = null
    this.gain = null
  }

  private ensureContext(): AudioContext | null {
    if (this.context) return this.context
    if (typeof AudioContext === 'undefined') return null
    this.context = new AudioContext()
    this.gain = this.context.createGain()
    this.gain.gain.value = this.level
    this.gain.connect(this.context.destination)
    return this.context
  }
}
