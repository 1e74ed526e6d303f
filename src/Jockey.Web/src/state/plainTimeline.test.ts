import { describe, expect, it } from 'vitest'
import { conversationReducer, initialConversation, type ConversationAction } from './conversation'
import { sampleRun } from './fixtures'
import { shownItems, turnDetails } from './plainTimeline'
import { selectTurns } from './turns'

const turnOf = (events: ReturnType<typeof sampleRun>) =>
  selectTurns(([{ type: 'thread-changed', threadId: 't' }, { type: 'events', threadId: 't', events }] as ConversationAction[])
    .reduce(conversationReducer, initialConversation))[0]

describe('shownItems', () => {
  it('shows one plain line per step and one ending: no plan, no finished hand-over, no "Done" after the video', () => {
    const turn = turnOf(sampleRun('op-1', 1))
    const shown = shownItems(turn)
    expect(shown.map((i) => i.kind)).toEqual(['step', 'search', 'narration', 'step', 'progress', 'video', 'reflect'])
    expect(shown.filter((i) => 'text' in i && /ready|done/i.test(i.text))).toHaveLength(1)
  })

  it('shows a hand-over only while nothing newer says what is going on', () => {
    const running = turnOf(sampleRun('op-1', 1).slice(0, 3))
    expect(shownItems(running).map((i) => i.kind === 'step' && i.text)).toEqual(['Planning the edit…'])
  })

  it('clears a cancelled run\'s progress and ends it with "Stopped"', () => {
    const events = sampleRun('op-1', 1).slice(0, 9)
    events.push({ seq: 100, operation_id: 'op-1', type: 'system', name: 'cancelled', text: 'Stopped', data: null })
    const shown = shownItems(turnOf(events))
    expect(shown.some((i) => i.kind === 'progress')).toBe(false)
    expect(shown[shown.length - 1]).toMatchObject({ kind: 'note', text: 'Stopped' })
  })
})

describe('turnDetails', () => {
  it('keeps the plan, queries, tools, the agent\'s own progress words and the file name for the curious', () => {
    const details = turnDetails(turnOf(sampleRun('op-1', 1))).join('\n')
    expect(details).toContain('Plan: 1. Search the sample index')
    expect(details).toContain('simple-video-search')
    expect(details).toContain('query “sunrise”')
    expect(details).toContain('Rendered sunrise-montage.mp4')
    expect(details).toContain('File: sunrise-montage.mp4')
    // The spoken result is heard, and written only here: in the timeline it would be a second ending.
    expect(details).toContain('Jockey said: Your twenty-second video of three clips is ready.')
  })
})
