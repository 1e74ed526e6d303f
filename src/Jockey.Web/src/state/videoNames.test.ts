import { describe, expect, it } from 'vitest'
import type { JockeyEvent } from '../api/types'
import { conversationReducer, initialConversation, type ConversationAction } from './conversation'
import { sampleRun } from './fixtures'
import { downloadSource } from './media'
import { selectTurns } from './turns'
import { namedVideos } from './videoNames'

const turnsOf = (...runs: JockeyEvent[][]) =>
  selectTurns(([{ type: 'thread-changed', threadId: 't' }, ...runs.map((events) => ({ type: 'events', threadId: 't', events }))] as ConversationAction[])
    .reduce(conversationReducer, initialConversation))

/** A follow-up run whose video holds <paramref name="clips"/>. */
function followUp(operationId: string, firstSeq: number, prompt: string, clips: { video_id: string; start: number; end: number }[], tool = 'remove-segment') {
  const events = sampleRun(operationId, firstSeq, prompt).filter((e) => e.name !== 'search-results')
  const ready = events.find((e) => e.name === 'video-ready')!
  ready.data = { ...ready.data, duration: null, tool_call: { name: tool, args: { clips } } }
  return events
}

describe('namedVideos', () => {
  it('names a video by the clips in it and its length, as the player counts seconds', () => {
    const [video] = namedVideos(turnsOf(sampleRun('op-1', 1)))
    expect(video).toMatchObject({ version: 1, label: 'Harbour at dawn + Mountain sunrise + City rooftops', change: null })
    expect(video.name).toBe('Harbour at dawn + Mountain sunrise + City rooftops, 19 s')
  })

  it('numbers versions and says what each edit changed, by clip name', () => {
    const first = sampleRun('op-1', 1)
    const dropped = followUp('op-2', 100, 'drop the second clip', [{ video_id: 'v1', start: 3, end: 9.5 }, { video_id: 'v3', start: 40, end: 47 }])
    const shorter = followUp('op-3', 200, 'make it shorter', [{ video_id: 'v1', start: 4, end: 8 }, { video_id: 'v3', start: 41, end: 45 }], 'combine-clips')
    const videos = namedVideos(turnsOf(first, dropped, shorter))
    expect(videos.map((v) => [v.version, v.name, v.change])).toEqual([
      [1, 'Harbour at dawn + Mountain sunrise + City rooftops, 19 s', null],
      [2, 'Harbour at dawn + City rooftops, 13 s', 'without Mountain sunrise'],
      [3, 'Harbour at dawn + City rooftops, 8 s', 'a shorter cut'],
    ])
  })

  it('takes titles from the library when no search of this conversation listed the clip', () => {
    const added = followUp('op-1', 1, 'a montage', [{ video_id: 'ocean', start: 0, end: 6 }], 'combine-clips')
    expect(namedVideos(turnsOf(added), [{ video_id: 'ocean', title: 'Ocean waves' }])[0].name).toBe('Ocean waves, 6 s')
  })
})

describe('downloadSource', () => {
  it('downloads through the API\'s media route as an attachment named after the video', () => {
    expect(downloadSource({ media_url: '/api/media/m/out.mp4', video_url: 'https://blob/x?sig=1' }, 'Ocean + Forest, 10 s'))
      .toBe('/api/media/m/out.mp4?download=true&name=Ocean%20%2B%20Forest%2C%2010%20s')
  })
})
