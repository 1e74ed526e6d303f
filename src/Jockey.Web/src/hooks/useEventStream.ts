// The same live events over SSE (GET /api/stream), for networks where WebSockets are blocked
// (?transport=sse). EventSource resends Last-Event-ID on its own reconnects; after a hard failure
// the page reopens it with last_event_id set to the last seq it holds.
import { useEffect, useState, type RefObject } from 'react'
import { parseSseMessage } from '../api/parse'
import { retryDelay, type ConnectionState } from './connection'
import type { StreamHandlers } from './useJockeyHub'

export function useEventStream(
  threadId: string | null,
  lastSeq: RefObject<number>,
  handlers: RefObject<StreamHandlers>,
  enabled = true,
): ConnectionState {
  const [state, setState] = useState<ConnectionState>('idle')

  useEffect(() => {
    if (!threadId || !enabled) {
      setState('idle')
      return
    }
    let disposed = false
    let source: EventSource | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let attempt = 0

    const open = () => {
      if (disposed) return
      setState(attempt === 0 ? 'connecting' : 'reconnecting')
      const url = `/api/stream?thread_id=${encodeURIComponent(threadId)}&last_event_id=${lastSeq.current}`
      source = new EventSource(url)
      source.onopen = () => {
        attempt = 0
        setState('connected')
      }
      source.addEventListener('message', (message) => {
        const event = parseSseMessage(message)
        if (event) handlers.current.onEvents(threadId, [event])
        else console.warn('Ignored a malformed SSE message', message.data)
      })
      source.addEventListener('error', (e) => {
        if (e instanceof MessageEvent) console.warn('The event stream reported an error:', e.data)
        if (source?.readyState === EventSource.CLOSED) {
          setState('disconnected')
          source.close()
          timer = setTimeout(open, retryDelay(++attempt))
        } else setState('reconnecting')
      })
    }
    open()
    return () => {
      disposed = true
      clearTimeout(timer)
      source?.close()
    }
  }, [threadId, enabled, lastSeq, handlers])

  return state
}
