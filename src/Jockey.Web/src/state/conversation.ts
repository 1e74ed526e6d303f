// One reducer for the conversation: every server event, operation update and local action goes
// through here. Events are kept sorted and unique by seq, so replay after a reconnect (or a reload)
// may overlap live delivery in any order and the page still shows each event once, in order.
import type { JockeyEvent, Operation } from '../api/types'

export interface PendingPrompt {
  text: string
  indexId: string
  /** 'sending' until the API accepted it; 'failed' keeps the text for Retry. */
  status: 'sending' | 'failed'
  error?: string
}

export type MediaSelection =
  | { kind: 'video'; seq: number }
  | { kind: 'clip'; seq: number; index: number }
  /** A render still being cut (the `preview` event's seq); its `video-ready` takes over in the same player. */
  | { kind: 'preview'; seq: number }

export interface ConversationState {
  threadId: string | null
  /** Sorted by seq, no duplicates. */
  events: JockeyEvent[]
  lastSeq: number
  operations: Record<string, Operation>
  /** The index each operation ran against, when this page started it. */
  indexByOperation: Record<string, string>
  pending: PendingPrompt | null
  selection: MediaSelection | null
  /** The server confirmed the thread exists: live channels may open. */
  loaded: boolean
  /** A thread that could not be restored, with the reason. */
  loadError: string | null
}

export type ConversationAction =
  | { type: 'thread-changed'; threadId: string | null }
  | { type: 'thread-loaded'; threadId: string; operations: Operation[] }
  | { type: 'thread-load-failed'; threadId: string; message: string }
  | { type: 'events'; threadId: string; events: JockeyEvent[] }
  | { type: 'operation'; operation: Operation }
  | { type: 'submit-started'; text: string; indexId: string }
  | { type: 'submit-accepted'; operation: Operation; indexId: string }
  | { type: 'submit-failed'; message: string }
  | { type: 'dismiss-pending' }
  | { type: 'select'; selection: MediaSelection }

export const initialConversation: ConversationState = {
  threadId: null,
  events: [],
  lastSeq: 0,
  operations: {},
  indexByOperation: {},
  pending: null,
  selection: null,
  loaded: false,
  loadError: null,
}

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  switch (action.type) {
    case 'thread-changed':
      return action.threadId === state.threadId ? state : { ...initialConversation, threadId: action.threadId }
    case 'thread-loaded': {
      if (action.threadId !== state.threadId) return state
      const operations = { ...state.operations }
      for (const op of action.operations) operations[op.operation_id] = op
      return { ...state, operations, loaded: true, loadError: null }
    }
    case 'thread-load-failed':
      return action.threadId === state.threadId ? { ...state, loadError: action.message } : state
    case 'events':
      return action.threadId === state.threadId ? mergeEvents(state, action.events) : state
    case 'operation':
      if (state.threadId && action.operation.thread_id !== state.threadId) return state
      return { ...state, operations: { ...state.operations, [action.operation.operation_id]: action.operation } }
    case 'submit-started':
      return { ...state, pending: { text: action.text, indexId: action.indexId, status: 'sending' } }
    case 'submit-accepted': {
      const op = action.operation
      if (state.threadId && op.thread_id !== state.threadId) return state
      return {
        ...state,
        pending: null,
        // A status the hub already delivered is newer than the POST's answer, which waited for narration.
        operations: { ...state.operations, [op.operation_id]: state.operations[op.operation_id] ?? op },
        indexByOperation: { ...state.indexByOperation, [op.operation_id]: action.indexId },
      }
    }
    case 'submit-failed':
      return state.pending ? { ...state, pending: { ...state.pending, status: 'failed', error: action.message } } : state
    case 'dismiss-pending':
      return { ...state, pending: null }
    case 'select':
      return { ...state, selection: action.selection }
  }
}

function mergeEvents(state: ConversationState, incoming: JockeyEvent[]): ConversationState {
  const fresh = incoming.filter((e) => !hasSeq(state.events, e.seq))
  if (fresh.length === 0) return state
  const unique = [...new Map(fresh.map((e) => [e.seq, e])).values()]
  let events: JockeyEvent[]
  if (unique.every((e) => e.seq > state.lastSeq)) {
    events = [...state.events, ...unique.sort(bySeq)] // the common case: live events in order
  } else {
    events = [...state.events, ...unique].sort(bySeq)
  }
  const lastSeq = events[events.length - 1].seq
  let { pending, selection } = state
  for (const e of unique) {
    // The user's own message coming back means the API took the prompt, even before POST answered.
    if (pending && e.name === 'user' && e.text === pending.text) pending = null
    if (e.name === 'video-ready' && (selection?.kind !== 'video' || e.seq > selection.seq)) {
      selection = { kind: 'video', seq: e.seq }
    }
    // A replay may hand over the preview after its video: a later video (or preview) keeps the player.
    if (e.name === 'preview' && (selection?.kind === 'clip' || !selection || selection.seq < e.seq)) {
      selection = { kind: 'preview', seq: e.seq }
    }
  }
  return { ...state, events, lastSeq, pending, selection }
}

function hasSeq(events: JockeyEvent[], seq: number): boolean {
  let lo = 0
  let hi = events.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const value = events[mid].seq
    if (value === seq) return true
    if (value < seq) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

const bySeq = (a: JockeyEvent, b: JockeyEvent) => a.seq - b.seq
