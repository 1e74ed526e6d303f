// Turns the sorted event log into what the timeline shows: one turn per operation (the user's
// prompt and the agent's steps under it). Pure, so the reducer's tests can assert on what a user sees.
import { clipsOf, dataNumber, dataString, videoReadyOf } from '../api/parse'
import { withoutLeadingEmoji } from '../format'
import type { Clip, JockeyEvent, OperationStatus, VideoReady } from '../api/types'
import type { ConversationState, PendingPrompt } from './conversation'

export type TimelineItem =
  | { kind: 'plan'; seq: number; role: string; text: string }
  | { kind: 'step'; seq: number; text: string; node?: string; tool?: string; query?: string }
  | { kind: 'search'; seq: number; query: string; clips: Clip[] }
  | { kind: 'progress'; seq: number; stage: string; percent: number; text: string; detail?: string }
  | { kind: 'video'; seq: number; video: VideoReady; text: string }
  | { kind: 'text-result'; seq: number; text: string }
  | { kind: 'reflect'; seq: number; text: string; final: boolean }
  | { kind: 'narration'; seq: number; text: string; audioUrl?: string; spoken: 'request' | 'result' }
  | { kind: 'error'; seq: number; reason: string }
  | { kind: 'note'; seq: number; text: string; tone: 'system' | 'ai' | 'done' | 'cancelled' | 'preview' }

export interface Turn {
  operationId: string
  firstSeq: number
  userText: string
  status: OperationStatus
  indexId?: string
  items: TimelineItem[]
}

export function selectTurns(state: ConversationState): Turn[] {
  const turns = new Map<string, Turn>()
  const turnOf = (operationId: string, seq: number): Turn => {
    let turn = turns.get(operationId)
    if (!turn) {
      const op = state.operations[operationId]
      turn = {
        operationId,
        firstSeq: seq,
        userText: op?.response?.original_text ?? '',
        status: 'processing',
        indexId: state.indexByOperation[operationId],
        items: [],
      }
      turns.set(operationId, turn)
    }
    return turn
  }

  const terminal = new Map<string, OperationStatus>()
  for (const event of state.events) {
    const turn = turnOf(event.operation_id, event.seq)
    const status = apply(turn, event)
    if (status) terminal.set(turn.operationId, status)
  }

  for (const turn of turns.values()) turn.status = terminal.get(turn.operationId) ?? 'processing'

  // Operations the API reported before (or without) their events: a reload mid-start, or a status
  // that only travelled as an `operation` message.
  for (const op of Object.values(state.operations)) {
    if (state.threadId && op.thread_id !== state.threadId) continue
    const turn = turnOf(op.operation_id, Number.MAX_SAFE_INTEGER)
    const status = terminal.get(op.operation_id) ?? op.status
    turn.status = status
    if (status === 'failed' && !turn.items.some((i) => i.kind === 'error')) {
      turn.items.push({ kind: 'error', seq: Number.MAX_SAFE_INTEGER, reason: op.error ?? 'The run failed.' })
    }
    if (op.video_url && status === 'completed' && !turn.items.some((i) => i.kind === 'video')) {
      turn.items.push({ kind: 'video', seq: Number.MAX_SAFE_INTEGER, video: { video_url: op.video_url }, text: 'Your video is ready' })
    }
  }
  return [...turns.values()].sort((a, b) => a.firstSeq - b.firstSeq)
}

/** Applies one event to its turn; returns the terminal status the event announces, if any. */
function apply(turn: Turn, event: JockeyEvent): OperationStatus | undefined {
  // The API's own status texts may start with an emoji; each entry shows its own icon instead. What the user
  // and the agent wrote is shown as written.
  const e = event.type === 'system' || event.type === 'error' ? { ...event, text: withoutLeadingEmoji(event.text) } : event
  const d = e.data
  switch (e.name) {
    case 'user':
      turn.userText = e.text
      return
    case 'planner':
    case 'instructor':
      turn.items.push({ kind: 'plan', seq: e.seq, role: e.name, text: e.text })
      return
    case 'status':
      turn.items.push({ kind: 'step', seq: e.seq, text: e.text, node: dataString(d, 'node'), tool: dataString(d, 'tool'), query: dataString(d, 'query') })
      return
    case 'search-results':
      turn.items.push({ kind: 'search', seq: e.seq, query: dataString(d, 'query') ?? '', clips: clipsOf(d) })
      return
    case 'progress': {
      const stage = dataString(d, 'stage') ?? 'render'
      const percent = Math.max(0, Math.min(100, dataNumber(d, 'percent') ?? 0))
      const existing = turn.items.find((i): i is Extract<TimelineItem, { kind: 'progress' }> => i.kind === 'progress' && i.stage === stage)
      const detail = dataString(d, 'message') ?? undefined
      if (existing) Object.assign(existing, { percent, text: e.text || existing.text, detail: detail ?? existing.detail })
      else turn.items.push({ kind: 'progress', seq: e.seq, stage, percent, text: e.text, detail })
      return
    }
    case 'video-ready': {
      const video = videoReadyOf(d)
      if (video) turn.items.push({ kind: 'video', seq: e.seq, video, text: e.text })
      return
    }
    case 'text-result':
      turn.items.push({ kind: 'text-result', seq: e.seq, text: e.text })
      return
    case 'reflect': {
      // Deltas: one growing paragraph per operation, wherever the first delta landed.
      const existing = turn.items.find((i): i is Extract<TimelineItem, { kind: 'reflect' }> => i.kind === 'reflect')
      const final = d?.final === true
      if (existing) {
        existing.text += e.text
        existing.final ||= final
      } else turn.items.push({ kind: 'reflect', seq: e.seq, text: e.text, final })
      return
    }
    case 'narration':
      turn.items.push({
        kind: 'narration', seq: e.seq, text: dataString(d, 'transformed_text') ?? e.text, audioUrl: dataString(d, 'audio_url'),
        spoken: dataString(d, 'kind') === 'result' ? 'result' : 'request',
      })
      return
    case 'completed': {
      const url = dataString(d, 'video_url')
      if (url && !turn.items.some((i) => i.kind === 'video')) {
        turn.items.push({ kind: 'video', seq: e.seq, video: { video_url: url }, text: 'Your video is ready' })
      }
      turn.items.push({ kind: 'note', seq: e.seq, text: e.text || 'Done', tone: 'done' })
      return 'completed'
    }
    case 'failed':
      turn.items.push({ kind: 'error', seq: e.seq, reason: dataString(d, 'reason') ?? (e.text || 'The run failed.') })
      return 'failed'
    case 'cancelled':
      turn.items.push({ kind: 'note', seq: e.seq, text: e.text || 'Stopped', tone: 'cancelled' })
      return 'cancelled'
    case 'preview':
      turn.items.push({ kind: 'note', seq: e.seq, text: e.text || 'Playing your video while it is cut…', tone: 'preview' })
      return
    default:
      if (e.type === 'error') {
        turn.items.push({ kind: 'error', seq: e.seq, reason: e.text || 'Something went wrong.' })
      } else if (e.text) {
        turn.items.push({ kind: 'note', seq: e.seq, text: e.text, tone: e.type === 'ai' ? 'ai' : 'system' })
      }
      return
  }
}

/** The operation still running in this thread, if any (disables the prompt, enables Cancel). */
export function activeOperation(turns: Turn[]): Turn | undefined {
  return turns.findLast((t) => t.status === 'processing')
}

/**
 * The prompt a cancelled run gives back to edit: its own text, or, while neither its `user` event nor the POST's
 * answer has come (a live event can overtake Subscribe's replay, and the answer waits for narration), the text this
 * page is still sending.
 */
export function promptToRestore(turn: Turn, pending: PendingPrompt | null): string {
  return turn.userText || pending?.text || ''
}
