// The live event stream over SignalR (/hubs/jockey). On every (re)connect it subscribes again with
// the last seq the page holds (or, after a drop in the middle of a replay, where that replay started:
// ResumePoint), so the server replays only what was missed; the reducer drops any overlap between that
// replay and live delivery. WebSockets only, the one transport the hub serves, and without the negotiate
// request, which would only cost a round trip: the hub's negotiate keeps nothing, so any replica takes
// the socket (docs/architecture.md). The server pings every 30 s and drops a client
// silent for 60 s (Hub:KeepAliveInterval, Hub:ClientTimeoutInterval): SignalR's defaults here (ping every 15 s,
// give up after 30 s) would ping twice as often and drop a connection the server keeps.
import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr'
import { useMemo } from 'react'
import { parseEvent, parseOperation } from '../api/parse'
import { ResumePoint, retryDelay, type ConnectionState, type LiveStreamOptions } from './connection'
import { useChannel } from './useChannel'

const HUB_KEEP_ALIVE_MS = 30_000
const HUB_SERVER_TIMEOUT_MS = 60_000

export function useJockeyHub({ threadId, lastSeq, handlers, enabled }: LiveStreamOptions): ConnectionState {
  // One per thread, kept across connections: a drop mid-replay is followed by a new connection.
  const resume = useMemo(() => new ResumePoint(), [threadId])
  return useChannel(threadId, enabled, (attempt) => {
    const thread = threadId!
    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/jockey', { transport: HttpTransportType.WebSockets, skipNegotiation: true })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => retryDelay(ctx.previousRetryCount) })
      .withKeepAliveInterval(HUB_KEEP_ALIVE_MS)
      .withServerTimeout(HUB_SERVER_TIMEOUT_MS)
      .configureLogging(LogLevel.Warning)
      .build()

    connection.on('update', (raw: unknown) => {
      if (!attempt.live) return
      const event = parseEvent(raw)
      if (event) handlers.current.onEvents(thread, [event])
      else console.warn('Ignored a malformed update from the hub', raw)
    })
    connection.on('operation', (raw: unknown) => {
      if (!attempt.live) return
      const operation = parseOperation(raw)
      if (operation) handlers.current.onOperation(operation)
      else console.warn('Ignored a malformed operation from the hub', raw)
    })

    const subscribe = async () => {
      try {
        await connection.invoke('Subscribe', thread, resume.begin(lastSeq.current))
        if (!attempt.live) return
        resume.complete()
        attempt.connected()
      } catch (error) {
        if (attempt.live) console.warn('Subscribing to the thread failed', error)
        attempt.dropped()
      }
    }
    connection.onreconnecting(attempt.reconnecting)
    connection.onreconnected(subscribe)
    // SignalR's own reconnect gives up after its policy, and never covers the first start.
    connection.onclose(attempt.dropped)
    connection.start().then(subscribe, (error) => {
      if (attempt.live) console.warn('Connecting to the live updates hub failed', error)
      attempt.dropped()
    })
    return () => void connection.stop()
  })
}
