import { describe, expect, it } from 'vitest'
import { PlaybackScheduler } from './scheduler'

const rate = 22050
const chunk = 2205 // 100 ms

describe('PlaybackScheduler', () => {
  it('starts the first chunk a little after now and each next one exactly where the last ended', () => {
    const s = new PlaybackScheduler(0.05)
    s.begin('op-1', rate)
    const a = s.schedule(10, chunk)
    const b = s.schedule(10.02, chunk)
    const c = s.schedule(10.09, chunk)
    expect(a.startAt).toBeCloseTo(10.05, 9)
    expect(b.startAt).toBeCloseTo(a.startAt + a.duration, 9)
    expect(c.startAt).toBeCloseTo(b.startAt + b.duration, 9)
    expect([a.late, b.late, c.late]).toEqual([false, false, false])
  })

  it('does not drift over a long narration: chunk n starts at n × its length', () => {
    const s = new PlaybackScheduler(0)
    s.begin('op-1', 22050)
    let last = s.schedule(0, 1103)
    for (let i = 1; i < 10000; i++) last = s.schedule(0, 1103)
    expect(last.startAt).toBe((9999 * 1103) / 22050)
  })

  it('restarts from now, flagged late, when a chunk arrives after the previous one finished', () => {
    const s = new PlaybackScheduler(0.05)
    s.begin('op-1', rate)
    s.schedule(0, chunk) // plays 0.05 → 0.15
    const late = s.schedule(1, chunk)
    expect(late.late).toBe(true)
    expect(late.startAt).toBeCloseTo(1.05, 9)
    const next = s.schedule(1.01, chunk)
    expect(next.late).toBe(false)
    expect(next.startAt).toBeCloseTo(1.15, 9)
  })

  it('queues a new operation after the narration still playing, at the new sample rate', () => {
    const s = new PlaybackScheduler(0.05)
    s.begin('op-1', rate)
    const first = s.schedule(0, rate * 2) // two seconds of audio: 0.05 → 2.05
    s.begin('op-2', 16000)
    const second = s.schedule(0.5, 1600)
    expect(second.startAt).toBeCloseTo(first.startAt + 2, 9)
    expect(second.duration).toBeCloseTo(0.1, 9)
    expect(s.currentStream).toBe('op-2')
  })

  it('starts a new operation at now when the previous one has finished', () => {
    const s = new PlaybackScheduler(0.05)
    s.begin('op-1', rate)
    s.schedule(0, chunk)
    s.begin('op-2', rate)
    expect(s.schedule(5, chunk)).toMatchObject({ startAt: 5.05, late: false })
  })

  it('forgets queued audio on reset and refuses chunks until the next operation begins', () => {
    const s = new PlaybackScheduler(0.05)
    s.begin('op-1', rate)
    s.schedule(0, rate * 10)
    s.reset()
    expect(() => s.schedule(1, chunk)).toThrow(/begin/)
    s.begin('op-2', rate)
    expect(s.schedule(1, chunk).startAt).toBeCloseTo(1.05, 9)
  })

  it('rejects a sample rate that cannot be played', () => {
    expect(() => new PlaybackScheduler().begin('op', 0)).toThrow(RangeError)
  })
})
