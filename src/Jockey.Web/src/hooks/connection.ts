import type { RefObject } from 'react'
import type { JockeyEvent, Operation } from '../api/types'

/** What a connection indicator shows for one channel. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

/** Back-off for reconnects: quick at first, then every 10 s for as long as the page is open. */
export function retryDelay(attempt: number): number {
  return [0, 1000, 2000, 5000][attempt] ?? 10000
}

/** Called with the thread the message came from, so a late message of a previous thread is ignored. */
export interface StreamHandlers {
  onEvents(threadId: string, events: JockeyEvent[]): void
  onOperation(operation: Operation): void
}

/** What a live event stream (SignalR or SSE) needs: the thread, where to resume, where to deliver. */
export interface LiveStreamOptions {
  threadId: string | null
  /** The highest seq the page holds; a (re)subscription asks for what came after it. */
  lastSeq: RefObject<number>
  handlers: RefObject<StreamHandlers>
  enabled: boolean
}
