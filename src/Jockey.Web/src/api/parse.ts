// Everything that arrives from the server passes through here before it reaches state: a frame
// that does not match the contract is dropped (and logged) instead of breaking the page.
import type {
  Clip,
  EventType,
  JockeyEvent,
  NarrationFrame,
  NarrationKind,
  Operation,
  OperationStatus,
  VideoReady,
} from './types'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return undefined
}

const eventTypes: readonly EventType[] = ['system', 'human', 'ai', 'error']
const statuses: readonly OperationStatus[] = ['processing', 'completed', 'failed', 'cancelled']

/** A SignalR `update(Event)` argument or an SSE `data:` payload → an Event, or null when malformed. */
export function parseEvent(raw: unknown): JockeyEvent | null {
  const value = typeof raw === 'string' ? tryJson(raw) : raw
  if (!isObject(value)) return null
  const seq = num(value.seq)
  const operationId = str(value.operation_id)
  const type = str(value.type) as EventType | undefined
  if (seq === undefined || !Number.isInteger(seq) || !operationId || !type || !eventTypes.includes(type)) return null
  return {
    seq,
    operation_id: operationId,
    text: str(value.text) ?? '',
    type,
    name: str(value.name) ?? null,
    data: isObject(value.data) ? value.data : null,
  }
}

/** A SignalR `operation(Operation)` argument or a REST body → an Operation, or null when malformed. */
export function parseOperation(raw: unknown): Operation | null {
  if (!isObject(raw)) return null
  const id = str(raw.operation_id)
  // No thread_id required: only POST /api/process names the thread; an operation id's own answers do not.
  const status = str(raw.status) as OperationStatus | undefined
  if (!id || !status || !statuses.includes(status)) return null
  return raw as unknown as Operation
}

/**
 * An SSE `message` event from GET /api/stream. The `id:` line carries the seq; it wins over the
 * body's seq only when the body has none (both are the same number in the contract).
 */
export function parseSseMessage(message: { data: string; lastEventId?: string }): JockeyEvent | null {
  const body = tryJson(message.data)
  if (isObject(body) && body.seq === undefined && message.lastEventId) {
    body.seq = Number(message.lastEventId)
  }
  return parseEvent(body)
}

/** A server from before result narrations sends no kind: its one narration is the request's. */
const narrationKind = (value: unknown): NarrationKind => (value === 'result' ? 'result' : 'request')

/** A JSON text frame of the narration WebSocket, or null when it is not one we understand. */
export function parseNarrationFrame(text: string): NarrationFrame | null {
  const value = tryJson(text)
  if (!isObject(value)) return null
  if (value.type === 'error') {
    return {
      type: 'error',
      code: str(value.code) ?? 'error',
      message: str(value.message) ?? 'The narration failed.',
      operation_id: str(value.operation_id),
    }
  }
  if (value.type === 'pong' || (value.type === 'status' && value.state === 'pong')) {
    return { type: 'status', state: 'pong' }
  }
  if (value.type !== 'status') return null
  switch (value.state) {
    case 'connected':
      return { type: 'status', state: 'connected' }
    case 'started': {
      const operationId = str(value.operation_id)
      const format = isObject(value.format) ? value.format : {}
      const sampleRate = num(format.sample_rate)
      if (!operationId || !sampleRate || sampleRate <= 0) return null
      return {
        type: 'status',
        state: 'started',
        operation_id: operationId,
        kind: narrationKind(value.kind),
        format: {
          codec: str(format.codec) ?? 'pcm_s16le',
          sample_rate: sampleRate,
          channels: Math.max(1, num(format.channels) ?? 1),
        },
      }
    }
    case 'completed': {
      const operationId = str(value.operation_id)
      if (!operationId) return null
      return {
        type: 'status',
        state: 'completed',
        operation_id: operationId,
        kind: narrationKind(value.kind),
        chunk_count: num(value.chunk_count),
        total_bytes: num(value.total_bytes),
        audio_url: str(value.audio_url) ?? null,
      }
    }
    default:
      return null
  }
}

/** `search-results` data → clips; tolerant of the agent's own field names (video_title). */
export function clipsOf(data: Json | null | undefined): Clip[] {
  const list = data && Array.isArray(data.clips) ? data.clips : []
  return list.filter(isObject).flatMap((c) => {
    const videoId = str(c.video_id)
    const start = num(c.start)
    const end = num(c.end)
    if (!videoId || start === undefined || end === undefined) return []
    return [{
      video_id: videoId,
      title: str(c.title) ?? str(c.video_title) ?? videoId,
      start,
      end,
      score: num(c.score) ?? 0,
      confidence: str(c.confidence) ?? null,
      thumbnail_url: str(c.thumbnail_url) ?? null,
      video_url: str(c.video_url) ?? null,
    }]
  })
}

export function videoReadyOf(data: Json | null | undefined): VideoReady | null {
  if (!data) return null
  const video: VideoReady = {
    video_url: str(data.video_url) ?? null,
    media_url: str(data.media_url) ?? null,
    duration: num(data.duration) ?? null,
    file_name: str(data.file_name) ?? null,
    ...editOf(data.tool_call),
  }
  return video.media_url || video.video_url ? video : null
}

/** The tool call behind a video: its name and the clips in its args (the local agent and Jockey both list them). */
function editOf(call: unknown): Pick<VideoReady, 'tool' | 'clips'> {
  if (!isObject(call)) return {}
  const args = isObject(call.args) ? call.args : {}
  const clips = (Array.isArray(args.clips) ? args.clips : []).filter(isObject).flatMap((c) => {
    const videoId = str(c.video_id)
    const start = num(c.start)
    const end = num(c.end)
    return videoId && start !== undefined && end !== undefined ? [{ video_id: videoId, start, end }] : []
  })
  return { tool: str(call.name) ?? null, clips }
}

export const dataString = (data: Json | null | undefined, key: string) => (data ? str(data[key]) : undefined)
export const dataNumber = (data: Json | null | undefined, key: string) => (data ? num(data[key]) : undefined)

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
