import type { RefObject } from 'react'
import type { JockeyEvent, Operation } from '../api/types'

/** What a connection indicator shows for one channel. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

/**
 * Back-off for reconnects: quick at first, then about every 10 s for as long as the page is open. Each delay is
 * spread at random (the first within half a second, the rest by ±25 %): when a replica stops, or its Redis connection
 * stays broken past its grace, it closes every page's connection at once, and without the spread they would all come
 * back in the same instant.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  if (attempt === 0) return Math.floor(random() * 500)
  const base = [0, 1000, 2000, 5000][attempt] ?? 10000
  return Math.round(base * (0.75 + random() * 0.5))
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

/**
 * Where a hub subscription resumes. The hub joins the thread's live group before it replays, so until `Subscribe` has
 * returned, a live update may have overtaken the replay: the page's highest seq can then stand past events the replay
 * had not sent yet. A subscription that drops in that moment resumes from where it started, not from the highest seq.
 */
export class ResumePoint {
  private pending: number | null = null

  /** The seq to subscribe after: the highest held, unless a subscription that started earlier never finished its replay. */
  begin(highestHeld: number): number {
    this.pending ??= highestHeld
    return this.pending
  }

  /** That subscription's replay is complete: from here on updates come in seq order, so the highest seq held is safe. */
  complete(): void {
    this.pending = null
  }
}
