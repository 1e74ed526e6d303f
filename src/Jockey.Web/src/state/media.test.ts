import { describe, expect, it } from 'vitest'
import type { Clip } from '../api/types'
import { conversationReducer, initialConversation } from './conversation'
import { sampleRun } from './fixtures'
import { clipSource, resolveMedia } from './media'
import { selectTurns } from './turns'

const clip = (extra: Partial<Clip> = {}): Clip => ({ video_id: 'sunset-beach', title: 'Sunset', start: 1.5, end: 6, score: 5, ...extra })

describe('clipSource', () => {
  it('plays the signed video_url the API gave', () => {
    const signed = '/api/jockey/files/sample/sunset-beach.mov?exp=1&sig=abc'
    expect(clipSource(clip({ video_url: signed }))).toBe(signed)
  })

  it('never builds an agent file URL itself: without one from the API there is nothing to play', () => {
    expect(clipSource(clip())).toBe('')
    expect(clipSource(clip({ video_url: null }))).toBe('')
  })
})

describe('resolveMedia', () => {
  it('turns a clicked search result into that segment of its video', () => {
    const state = [{ type: 'thread-changed' as const, threadId: 't' }, { type: 'events' as const, threadId: 't', events: sampleRun('op-1', 1) }]
      .reduce(conversationReducer, initialConversation)
    const turns = selectTurns(state)
    const search = turns[0].items.find((i) => i.kind === 'search')!
    const media = resolveMedia(turns, { kind: 'clip', seq: search.seq, index: 1 })
    expect(media).toMatchObject({ kind: 'clip', start: 12, end: 18, src: '/api/jockey/files/sample/v2.mp4?exp=1&sig=v2' })
  })
})
