// The thread's live events, over SignalR by default or SSE with ?transport=sse. Both feed the same
// handlers, so the rest of the page does not know which one is in use.
import type { ConnectionState, LiveStreamOptions } from './connection'
import { useEventStream } from './useEventStream'
import { useJockeyHub } from './useJockeyHub'

export function useRunStream(options: LiveStreamOptions & { transport: 'signalr' | 'sse' }): ConnectionState {
  const { transport, enabled } = options
  const hub = useJockeyHub({ ...options, enabled: enabled && transport === 'signalr' })
  const sse = useEventStream({ ...options, enabled: enabled && transport === 'sse' })
  return transport === 'sse' ? sse : hub
}
