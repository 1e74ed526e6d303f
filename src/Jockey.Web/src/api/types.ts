// The ApiService ↔ browser contract (docs/api.md). JSON is snake_case on the wire and kept so here,
// so a field name in the browser's network tab is the same one a reader finds in the code.

export type OperationStatus = 'processing' | 'completed' | 'failed' | 'cancelled'

export interface Operation {
  operation_id: string
  /** Only in POST /api/process's answer (its caller holds the thread); never in GET /api/operations/{id}. */
  thread_id?: string
  status: OperationStatus
  audio_urls?: { main?: string | null } | null
  timeline?: { start_time?: string | null; end_time?: string | null } | null
  stats?: {
    chunk_count?: number
    total_bytes?: number
    chunks_streamed?: number
    streaming_enabled?: boolean
  } | null
  response?: {
    original_text?: string | null
    transformed_text?: string | null
    thread_id?: string | null
    audio_url?: string | null
  } | null
  video_url?: string | null
  error?: string | null
}

export interface ThreadInfo {
  thread_id: string
  created_at: string
  active_operation_id: string | null
  last_seq: number
  operations: Operation[]
}

export type EventType = 'system' | 'human' | 'ai' | 'error'

/** One entry of a thread's event log; `seq` is strictly increasing per thread. */
export interface JockeyEvent {
  seq: number
  operation_id: string
  text: string
  type: EventType
  name?: string | null
  data?: Record<string, unknown> | null
}

export interface Clip {
  video_id: string
  title: string
  start: number
  end: number
  /** On the agent's own scale (BM25 for the local agent, 0–100 for Twelve Labs): compare only within one result set. */
  score: number
  /** The agent's own judgement: high, medium or low, when it sends one. */
  confidence?: string | null
  thumbnail_url?: string | null
  /** The segment's source video as an API path (a proxied or redirected route, never the agent's own address). */
  video_url?: string | null
}

export interface VideoReady {
  video_url?: string | null
  media_url?: string | null
  duration?: number | null
  file_name?: string | null
  /** The edit that made it: its tool (combine-clips, remove-segment) and the clips it holds, in order. */
  tool?: string | null
  clips?: { video_id: string; start: number; end: number }[]
}

/** `preview` event data: the render's HLS playlist (signed, same-origin) while the local agent cuts it. */
export interface Preview {
  playlist_url: string
}

/** The fields of `GET /api/config` the web app reads (docs/api.md lists them all). */
export interface ServerConfig {
  default_index_id: string
  max_text_length: number
  features: { narration: boolean; local_agent: boolean }
}

export interface IndexInfo {
  index_id: string
  video_count: number
}

export interface IndexVideo {
  video_id: string
  title: string
  duration?: number | null
  tags?: string[] | null
  thumbnail_url?: string | null
}

/** Which of an operation's narrations: the acknowledgement of its request, or its result (issue 18). */
export type NarrationKind = 'request' | 'result'

/** JSON text frames of WebSocket /api/ws/audio/{thread_id} (issue 5). */
export type NarrationFrame =
  | { type: 'status'; state: 'connected' }
  | {
      type: 'status'
      state: 'started'
      operation_id: string
      kind: NarrationKind
      format: { codec: string; sample_rate: number; channels: number }
    }
  | {
      type: 'status'
      state: 'completed'
      operation_id: string
      kind: NarrationKind
      chunk_count?: number
      total_bytes?: number
      audio_url?: string | null
    }
  | { type: 'status'; state: 'pong' }
  | { type: 'error'; code: string; message: string; operation_id?: string }
