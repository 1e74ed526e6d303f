// The same live events over SSE (GET /api/stream), for networks where WebSockets are blocked
// (?transport=sse). EventSource resends Last-Event-ID on its own reconnects; after a hard failure
// the page reopens it with last_event_id set to the last seq it holds.
import { parseSseMessage } from '../api/parse'
import type { ConnectionState, LiveStreamOptions } from './connection'
import { useChannel } from './useChannel'

export function useEventStream({ threadId, lastSeq, handlers, enabled }: LiveStreamOptions): ConnectionState {
  return useChannel(threadId, enabled, (attempt) => {
    const thread = threadId!
    const source = new EventSource(`/api/stream?thread_id=${encodeURIComponent(thread)}&last_event_id=${lastSeq.current}`)
    source.onopen = attempt.connected
    source.addEventListener('message', (message) => {
      if (!attempt.live) return
      const event = parseSseMessage(message)
      if (event) handlers.current.onEvents(thread, [event])
      else console.warn('Ignored a malformed SSE message', message.data)
    })
    source.addEventListener('error', (e) => {
      if (e instanceof MessageEvent) console.warn('The event stream reported an error:', e.data)
      if (source.readyState === EventSource.CLOSED) attempt.dropped()
      else attempt.reconnecting()
    })
    return () => source.close()
  })
}
