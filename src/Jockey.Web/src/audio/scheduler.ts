// When each narration chunk starts, worked out in whole samples so that back-to-back chunks meet
// exactly (no clicks from float drift). Pure: the caller passes the clock's `now`, so tests need no
// AudioContext.

export interface ScheduledChunk {
  /** Seconds on the audio clock at which the chunk starts. */
  startAt: number
  /** Seconds of audio in the chunk. */
  duration: number
  /** True when the previous chunk had already ended: playback stalled and restarts from now. */
  late: boolean
}

export class PlaybackScheduler {
  private stream: string | null = null
  private sampleRate = 0
  /** Clock time at which the current run of contiguous chunks began. */
  private base = 0
  /** Samples scheduled since `base`. */
  private samples = 0
  /** End of everything scheduled so far, across streams, so a new operation never talks over the last. */
  private endOfQueue = 0

  /** @param lead seconds of head-room before the first chunk, so it is never scheduled in the past. */
  constructor(private readonly lead = 0.05) {}

  /** A new narration (operation) begins: its own sample rate, queued after whatever still plays. */
  begin(streamId: string, sampleRate: number): void {
    if (!(sampleRate > 0)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`)
    this.stream = streamId
    this.sampleRate = sampleRate
    this.samples = 0
    this.base = Number.NaN // fixed by the first chunk, which knows `now`
  }

  get currentStream(): string | null {
    return this.stream
  }

  schedule(now: number, frameCount: number): ScheduledChunk {
    if (this.stream === null) throw new Error('begin() must be called before schedule()')
    const duration = frameCount / this.sampleRate
    const earliest = now + this.lead
    let late = false
    if (Number.isNaN(this.base)) {
      this.base = Math.max(earliest, this.endOfQueue)
    } else if (this.base + this.samples / this.sampleRate < now) {
      // Underrun: the network was slower than playback. Start again from now rather than in the past.
      late = true
      this.base = earliest
      this.samples = 0
    }
    const startAt = this.base + this.samples / this.sampleRate
    this.samples += frameCount
    this.endOfQueue = Math.max(this.endOfQueue, startAt + duration)
    return { startAt, duration, late }
  }

  /** Stop: forget everything queued (cancel, mute-and-skip, new conversation). */
  reset(): void {
    this.stream = null
    this.samples = 0
    this.base = Number.NaN
    this.endOfQueue = 0
  }
}
