import { describe, expect, it } from 'vitest'
import type { JockeyEvent } from '../api/types'
import { conversationReducer, initialConversation, type ConversationAction, type ConversationState } from './conversation'
import { operation, sampleRun } from './fixtures'
import { activeOperation, promptToRestore, selectTurns } from './turns'
import { namedVideos } from './videoNames'

const thread = 'thread-1'
const run = (...actions: ConversationAction[]) =>
  actions.reduce(conversationReducer, conversationReducer(initialConversation, { type: 'thread-changed', threadId: thread }))
const events = (...list: JockeyEvent[][]): ConversationAction[] => list.map((events) => ({ type: 'events', threadId: thread, events }))
const seqs = (s: ConversationState) => s.events.map((e) => e.seq)

describe('conversation reducer', () => {
  it('keeps events in seq order when they arrive out of order', () => {
    const all = sampleRun('op-1', 1)
    const state = run(...events([all[2], all[0]], [all[1]], all.slice(3)))
    expect(seqs(state)).toEqual(all.map((e) => e.seq))
    expect(state.lastSeq).toBe(all[all.length - 1].seq)
  })

  it('shows each event once when the same events are delivered twice', () => {
    const all = sampleRun('op-1', 1)
    const once = run(...events(all))
    const twice = run(...events(all, all, [all[3], all[3]]))
    expect(seqs(twice)).toEqual(seqs(once))
    expect(selectTurns(twice)).toEqual(selectTurns(once))
  })

  it('returns the same state object for a duplicate, so nothing re-renders', () => {
    const all = sampleRun('op-1', 1)
    const state = run(...events(all))
    expect(conversationReducer(state, { type: 'events', threadId: thread, events: [all[4]] })).toBe(state)
  })

  it('merges a resume replay that overlaps live delivery into one gap-free log', () => {
    const all = sampleRun('op-1', 1)
    // Live events 1–6 arrived, the connection dropped, 7–8 went live on reconnect before the
    // replay of everything after seq 6 (7–13) came in.
    const state = run(...events(all.slice(0, 6), all.slice(6, 8), all.slice(6)))
    expect(seqs(state)).toEqual(all.map((e) => e.seq))
    const [turn] = selectTurns(state)
    expect(turn.items.filter((i) => i.kind === 'video')).toHaveLength(1)
    expect(turn.items.find((i) => i.kind === 'reflect')).toMatchObject({
      text: 'I found three sunrise shots and combined them into a 20-second montage.',
      final: true,
    })
  })

  it('shows the API\'s status texts without a leading emoji, and what people and the agent wrote as written', () => {
    const all = sampleRun('op-1', 1, '🌅 Sunrises please')
    all.find((e) => e.name === 'video-ready')!.text = '🎥 Your video is ready!'
    all.push({ seq: 99, operation_id: 'op-1', type: 'ai', name: 'reflect', text: ' 🎉 Enjoy!', data: { final: true } })
    const [turn] = selectTurns(run(...events(all)))
    expect(turn.items.find((i) => i.kind === 'video')).toMatchObject({ text: 'Your video is ready!' })
    expect(turn.userText).toBe('🌅 Sunrises please')
    expect(turn.items.find((i) => i.kind === 'reflect')?.text).toMatch(/ 🎉 Enjoy!$/)
  })

  it('restores a reloaded thread from its operations and a replay from seq 0', () => {
    const all = sampleRun('op-1', 1)
    const state = run(
      { type: 'thread-loaded', threadId: thread, operations: [operation('op-1', thread, 'completed')] },
      ...events(all),
    )
    expect(state.loaded).toBe(true)
    const turns = selectTurns(state)
    expect(turns).toHaveLength(1)
    expect(turns[0]).toMatchObject({ operationId: 'op-1', status: 'completed', userText: 'Make a 20-second montage of sunrises' })
  })

  it('keeps each operation of a multi-turn thread in its own turn, in order', () => {
    const first = sampleRun('op-1', 1)
    const second = sampleRun('op-2', first.length + 1, 'make it shorter')
    const state = run(...events(second.slice(0, 3), first, second.slice(3)))
    const turns = selectTurns(state)
    expect(turns.map((t) => [t.operationId, t.userText])).toEqual([
      ['op-1', 'Make a 20-second montage of sunrises'],
      ['op-2', 'make it shorter'],
    ])
    expect(namedVideos(turns).map((v) => v.version)).toEqual([1, 2])
    expect(state.selection).toEqual({ kind: 'video', seq: second.find((e) => e.name === 'video-ready')!.seq })
  })

  it('groups the agent steps of a run into what the timeline shows', () => {
    const [turn] = selectTurns(run(...events(sampleRun('op-1', 1))))
    expect(turn.items.map((i) => i.kind)).toEqual([
      'plan', 'step', 'step', 'search', 'narration', 'plan', 'step', 'progress', 'video', 'reflect', 'narration', 'note',
    ])
    const search = turn.items.find((i) => i.kind === 'search')
    expect(search).toMatchObject({ query: 'sunrise' })
    expect(search?.kind === 'search' && search.clips.map((c) => c.title)).toEqual(['Harbour at dawn', 'Mountain sunrise', 'City rooftops'])
    expect(turn.items.find((i) => i.kind === 'progress')).toMatchObject({ stage: 'render', percent: 100 })
  })

  it('marks a run active until its completed, failed or cancelled event', () => {
    const all = sampleRun('op-1', 1)
    const running = run(...events(all.slice(0, 5)))
    expect(activeOperation(selectTurns(running))?.operationId).toBe('op-1')
    const done = run(...events(all))
    expect(activeOperation(selectTurns(done))).toBeUndefined()
  })

  it('shows a failed run as an error with its reason', () => {
    const all = sampleRun('op-1', 1).slice(0, 3)
    const failed: JockeyEvent = { seq: 4, operation_id: 'op-1', type: 'error', name: 'failed', text: 'Run failed', data: { reason: 'The agent did not answer within 360 s.' } }
    const [turn] = selectTurns(run(...events(all, [failed])))
    expect(turn.status).toBe('failed')
    expect(turn.items[turn.items.length - 1]).toEqual({ kind: 'error', seq: 4, reason: 'The agent did not answer within 360 s.' })
  })

  it('takes a status that only arrived as an operation message', () => {
    const all = sampleRun('op-1', 1).slice(0, 3)
    const state = run(...events(all), { type: 'operation', operation: operation('op-1', thread, 'failed', { error: 'Jockey is unreachable.' }) })
    const [turn] = selectTurns(state)
    expect(turn.status).toBe('failed')
    expect(turn.items.find((i) => i.kind === 'error')).toMatchObject({ reason: 'Jockey is unreachable.' })
  })

  it('keeps the live channels closed for a thread the server does not know', () => {
    const state = run({ type: 'thread-load-failed', threadId: thread, message: 'gone' })
    expect(state).toMatchObject({ loaded: false, loadError: 'gone' })
  })

  it('ignores a late event of the previous thread after New conversation', () => {
    const state = run({ type: 'thread-changed', threadId: 'thread-2' }, { type: 'events', threadId: thread, events: sampleRun('op-1', 1) })
    expect(state.events).toEqual([])
  })

  it('ignores operations of another thread', () => {
    const state = run({ type: 'operation', operation: operation('op-x', 'other-thread', 'processing') })
    expect(selectTurns(state)).toEqual([])
  })

  it('clears the pending prompt when the server echoes it as the user event', () => {
    const all = sampleRun('op-1', 1)
    const sending = run({ type: 'submit-started', text: all[0].text, indexId: 'sample' })
    expect(sending.pending).toMatchObject({ status: 'sending' })
    expect(conversationReducer(sending, { type: 'events', threadId: thread, events: [all[0]] }).pending).toBeNull()
  })

  it('keeps a prompt the API refused, with the reason, for Retry', () => {
    const state = run(
      { type: 'submit-started', text: 'hello', indexId: 'sample' },
      { type: 'submit-failed', message: 'A run is already active in this thread.' },
    )
    expect(state.pending).toEqual({ text: 'hello', indexId: 'sample', status: 'failed', error: 'A run is already active in this thread.' })
  })

  it('remembers the index an accepted prompt ran against', () => {
    const state = run(
      { type: 'submit-started', text: 'hello', indexId: 'travel' },
      { type: 'submit-accepted', operation: operation('op-1', thread, 'processing'), indexId: 'travel' },
      ...events([{ seq: 1, operation_id: 'op-1', type: 'human', name: 'user', text: 'hello' }]),
    )
    expect(state.pending).toBeNull()
    expect(selectTurns(state)[0].indexId).toBe('travel')
  })

  it('starts empty for a new thread', () => {
    const state = run(...events(sampleRun('op-1', 1)), { type: 'thread-changed', threadId: 'thread-2' })
    expect(state).toEqual({ ...initialConversation, threadId: 'thread-2' })
  })

  it('does not switch the player back to an older video replayed later', () => {
    const first = sampleRun('op-1', 1)
    const second = sampleRun('op-2', first.length + 1)
    const state = run(...events(second, first))
    expect(state.selection).toEqual({ kind: 'video', seq: second.find((e) => e.name === 'video-ready')!.seq })
  })
})

describe('the prompt a cancel gives back', () => {
  const prompt = 'Make a montage of every clip'
  const all = sampleRun('op-1', 1, prompt)
  const sending: ConversationAction = { type: 'submit-started', text: prompt, indexId: 'sample' }

  it('is the run’s own text once its user event is in', () => {
    const state = run(sending, ...events(all.slice(0, 3)))
    expect(promptToRestore(activeOperation(selectTurns(state))!, state.pending)).toBe(prompt)
  })

  it('is the text still being sent while live events overtook the replay of the user event', () => {
    // Subscribe joined the group while the run went on: its later events came live before the replay of seq 1,
    // and the POST's answer (which waits for narration) is not back yet.
    const state = run(sending, ...events(all.slice(2, 4)))
    const active = activeOperation(selectTurns(state))!
    expect(active.userText).toBe('')
    expect(promptToRestore(active, state.pending)).toBe(prompt)
  })
})
