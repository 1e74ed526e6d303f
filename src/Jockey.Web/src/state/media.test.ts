import { describe, expect, it } from 'vitest'
import type { Clip } from '../api/types'
import { conversationReducer, initialConversation } from './conversation'
import { sampleRun } from './fixtures'
import { clipSource, resolveMedia } from './media'
import { selectTurns } from './turns'

const clip = (extra: Partial<Clip> = {}): Clip => ({ video_id: 'sunset-beach', title: 'Sunset', start: 1.5, end: 6, score: 5, ...extra })

describe('clipSource', () => {
  it('plays the video_url the API passes through', () => {
    expect(clipSource(clip({ video_url: '/api/jockey/files/sample/sunset-beach.mov' }), 'sample')).toBe('/api/jockey/files/sample/sunset-beach.mov')
  })

  it('falls back to the agent file route behind the API when there is none', () => {
    expect(clipSource(clip(), 'my index')).toBe('/api/jockey/files/my%20index/sunset-beach.mp4')
    expect(clipSource(clip({ video_url: null }), 'sample')).toBe('/api/jockey/files/sample/sunset-beach.mp4')
  })
})

describe('resolveMedia', () => {
  it('turns a clicked search result into that segment of its video', () => {
    const state = [{ type: 'thread-changed' as const, threadId: 't' }, { type: 'events' as const, threadId: 't', events: sampleRun('op-1', 1) }]
      .reduce(conversationReducer, initialConversation)
    const turns = selectTurns(state)
    const search = turns[0].items.find((i) => i.kind === 'search')!
    const media = resolveMedia(turns, { kind: 'clip', seq: search.seq, index: 1 }, 'sample')
    expect(media).toMatchObject({ kind: 'clip', start: 12, end: 18, src: '/api/jockey/files/sample/v2.mp4' })
  })
})
