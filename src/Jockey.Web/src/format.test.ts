import { describe, expect, it } from 'vitest'
import type { Clip } from './api/types'
import { clock, matchOf, withoutLeadingEmoji } from './format'

const clip = (score: number, confidence?: string): Clip => ({ video_id: `v${score}`, title: 't', start: 0, end: 4, score, confidence })

describe('matchOf', () => {
  it('uses the confidence the agent sent, whatever the score', () => {
    const clips = [clip(6.9, 'high'), clip(5.1, 'medium'), clip(0.2, 'LOW')]
    expect(clips.map((c) => matchOf(c, clips))).toEqual(['high', 'medium', 'low'])
  })

  it('judges raw BM25 scores against the best of their own result set', () => {
    // The local agent's scores: the top hit is 6.95, not "7%".
    const clips = [clip(6.95), clip(5.2), clip(3.1), clip(1.4)]
    expect(clips.map((c) => matchOf(c, clips))).toEqual(['high', 'high', 'medium', 'low'])
  })

  it('judges 0–1 scores the same way, so the scale does not matter', () => {
    const clips = [clip(0.91), clip(0.5), clip(0.2)]
    expect(clips.map((c) => matchOf(c, clips))).toEqual(['high', 'medium', 'low'])
  })

  it('says nothing when there are no scores to compare', () => {
    const clips = [clip(0), clip(0)]
    expect(matchOf(clips[0], clips)).toBeNull()
  })
})

describe('withoutLeadingEmoji', () => {
  it('drops a leading pictograph and its space', () => {
    expect(withoutLeadingEmoji('🎥 Your video is ready!')).toBe('Your video is ready!')
    expect(withoutLeadingEmoji('🎞️ Rendering')).toBe('Rendering')
    expect(withoutLeadingEmoji('👩🏽‍💻 Working')).toBe('Working')
  })

  it('keeps text that does not start with one, digits included', () => {
    expect(withoutLeadingEmoji('3 clips found 🎉')).toBe('3 clips found 🎉')
    expect(withoutLeadingEmoji('Your video is ready!')).toBe('Your video is ready!')
  })

  it('keeps a text that is only a pictograph', () => {
    expect(withoutLeadingEmoji('🎥')).toBe('🎥')
  })
})

describe('clock', () => {
  it('formats seconds as m:ss or h:mm:ss', () => {
    expect(clock(75.4)).toBe('1:15')
    expect(clock(3725)).toBe('1:02:05')
  })
})
