import { describe, expect, it } from 'vitest'
import { ResumePoint, retryDelay } from './connection'

describe('retryDelay', () => {
  it('grows with each attempt, up to about 10 s, whatever the spread', () => {
    for (const random of [() => 0, () => 0.5, () => 0.999]) {
      const delays = [0, 1, 2, 3, 4, 9].map((attempt) => retryDelay(attempt, random))
      expect(delays).toEqual([...delays].sort((a, b) => a - b))
      expect(delays[5]).toBe(delays[4])
    }
  })

  it('spreads the first retry over half a second and the later ones by a quarter either way', () => {
    expect([retryDelay(0, () => 0), retryDelay(0, () => 0.999)]).toEqual([0, 499])
    expect([retryDelay(1, () => 0), retryDelay(1, () => 0.5), retryDelay(1, () => 1)]).toEqual([750, 1000, 1250])
    expect([retryDelay(9, () => 0), retryDelay(9, () => 1)]).toEqual([7500, 12500])
  })

  it('gives pages closed together different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(1)))
    expect(delays.size).toBeGreaterThan(1)
  })
})

describe('ResumePoint', () => {
  it('resumes from the highest seq held once a subscription has completed its replay', () => {
    const resume = new ResumePoint()
    expect(resume.begin(0)).toBe(0)
    resume.complete()
    expect(resume.begin(12)).toBe(12)
  })

  it('resumes from where a subscription started when it dropped before its replay completed', () => {
    const resume = new ResumePoint()
    expect(resume.begin(5)).toBe(5)
    // A live update (seq 9) overtook the replay of 6–8, and the connection dropped before Subscribe returned.
    expect(resume.begin(9)).toBe(5)
    resume.complete()
    expect(resume.begin(9)).toBe(9)
  })
})
