// The live event stream over SignalR (/hubs/jockey). On every (re)connect it subscribes again with
// the last seq the page holds, so the server replays only what was missed; the reducer drops any
// overlap between that replay and live delivery.
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr'
import { useEffect, useRef, useState, type RefObject } from 'react'
import { parseEvent, parseOperation } from '../api/parse'
import type { JockeyEvent, Operation } from '../api/types'
import { retryDelay, type ConnectionState } from './connection'

/** Called with the thread the message came from, so a late message of a previous thread is ignored. */
export interface StreamHandlers {
  onEvents(threadId: string, events: JockeyEvent[]): void
  onOperation(operation: Operation): void
}

export function useJockeyHub(
  threadId: string | null,
  lastSeq: RefObject<number>,
  handlers: RefObject<StreamHandlers>,
  enabled = true,
): ConnectionState {
  const [state, setState] = useState<ConnectionState>('idle')
  const connectionRef = useRef<HubConnection | null>(null)

  useEffect(() => {
    if (!threadId || !enabled) {
      setState('idle')
      return
    }
    let disposed = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let attempt = 0

    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/jockey')
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => retryDelay(ctx.previousRetryCount) })
      .configureLogging(LogLevel.Warning)
      .build()
    connectionRef.current = connection

    connection.on('update', (raw: unknown) => {
      if (disposed) return
      const event = parseEvent(raw)
      if (event) handlers.current.onEvents(threadId, [event])
      else console.warn('Ignored a malformed update from the hub', raw)
    })
    connection.on('operation', (raw: unknown) => {
      if (disposed) return
      const operation = parseOperation(raw)
      if (operation) handlers.current.onOperation(operation)
      else console.warn('Ignored a malformed operation from the hub', raw)
    })

    const subscribe = () => connection.invoke('Subscribe', threadId, lastSeq.current)

    connection.onreconnecting(() => !disposed && setState('reconnecting'))
    connection.onreconnected(async () => {
      if (disposed) return
      try {
        await subscribe()
        setState('connected')
      } catch (error) {
        console.warn('Re-subscribing after reconnect failed', error)
        await connection.stop() // onclose → start() again with back-off
      }
    })
    // Automatic reconnect gives up after its policy and never covers the first start: keep trying.
    connection.onclose(() => {
      if (disposed) return
      setState('disconnected')
      timer = setTimeout(start, retryDelay(++attempt))
    })

    async function start() {
      if (disposed || connection.state !== HubConnectionState.Disconnected) return
      setState(attempt === 0 ? 'connecting' : 'reconnecting')
      try {
        await connection.start()
        await subscribe()
        if (disposed) return
        attempt = 0
        setState('connected')
      } catch (error) {
        if (disposed) return
        console.warn('Connecting to the live updates hub failed', error)
        setState('disconnected')
        if (connection.state === HubConnectionState.Disconnected) timer = setTimeout(start, retryDelay(++attempt))
        else await connection.stop()
      }
    }
    void start()

    return () => {
      disposed = true
      clearTimeout(timer)
      connectionRef.current = null
      void connection.stop()
    }
  }, [threadId, enabled, lastSeq, handlers])

  return state
}
