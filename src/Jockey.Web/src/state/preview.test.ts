import { describe, expect, it } from 'vitest'
import type { JockeyEvent } from '../api/types'
import { conversationReducer, initialConversation, type ConversationState } from './conversation'
import { sampleRun } from './fixtures'
import { resolveMedia } from './media'
import { selectTurns } from './turns'

const thread = 'thread-1'
const playlist = '/api/jockey/files/sample/out_1a2b3c4d.preview.m3u8?exp=1&sig=p'

/** The sample run with the local agent's preview between its 40 % progress and its video. */
function previewedRun(operationId = 'op-1'): JockeyEvent[] {
  const all = sampleRun(operationId, 1)
  const at = all.findIndex((e) => e.name === 'video-ready')
  const preview: JockeyEvent = { seq: 0, operation_id: operationId, type: 'system', name: 'preview', text: 'Rendering out.mp4: the preview plays while the rest is cut.', data: { playlist_url: playlist } }
  return [...all.slice(0, at), preview, ...all.slice(at)].map((e, i) => ({ ...e, seq: i + 1 }))
}

function deliver(...batches: JockeyEvent[][]): ConversationState {
  let state = conversationReducer(initialConversation, { type: 'thread-changed', threadId: thread })
  for (const events of batches) state = conversationReducer(state, { type: 'events', threadId: thread, events })
  return state
}

const media = (state: ConversationState) => resolveMedia(selectTurns(state), state.selection, state.events)
const upTo = (name: string, events: JockeyEvent[]) => events.slice(0, events.findIndex((e) => e.name === name) + 1)

describe('the preview of a render in progress', () => {
  it('is put in the player as soon as it is announced', () => {
    const all = previewedRun()
    expect(media(deliver(upTo('preview', all)))).toMatchObject({ kind: 'preview', src: playlist, operationId: 'op-1' })
  })

  it('gives way to its video in the same player (same operation), which a plain video does not claim', () => {
    const withPreview = media(deliver(previewedRun()))
    expect(withPreview).toMatchObject({ kind: 'video', operationId: 'op-1', src: '/api/media/op-1/out.mp4' })
    const plain = media(deliver(sampleRun('op-1', 1)))
    expect(plain).toMatchObject({ kind: 'video' })
    expect(plain).not.toHaveProperty('operationId', 'op-1')
  })

  it('does not take the player back from its video when a replay delivers it late', () => {
    const all = previewedRun()
    const preview = all.find((e) => e.name === 'preview')!
    const state = deliver(all.filter((e) => e !== preview), [preview])
    expect(media(state)).toMatchObject({ kind: 'video' })
  })

  it('is resumed after a reload mid-render, from the replay', () => {
    const all = upTo('preview', previewedRun())
    const state = deliver([...all].reverse())
    expect(media(state)).toMatchObject({ kind: 'preview', src: playlist })
  })

  it('is nothing to play once its run failed (the agent deleted it)', () => {
    const all = upTo('preview', previewedRun())
    const failed: JockeyEvent = { seq: all.length + 1, operation_id: 'op-1', type: 'error', name: 'failed', text: 'ffmpeg failed', data: { reason: 'ffmpeg failed' } }
    expect(media(deliver(all, [failed]))).toBeNull()
  })
})
