// One live connection kept open for as long as the page needs it: opened when there is a thread,
// re-opened with back-off whenever it drops, closed when the thread changes or the page leaves.
// The SignalR hub, the SSE stream and the narration socket all use it.
import { useEffect, useRef, useState } from 'react'
import { retryDelay, type ConnectionState } from './connection'

/** What one connection attempt tells the page about itself. */
export interface ChannelAttempt {
  /** False once this attempt has dropped or the page moved on: ignore anything it still delivers. */
  readonly live: boolean
  /** Up (again): resets the back-off. */
  connected(): void
  /** Still trying, e.g. SignalR's own reconnect loop. */
  reconnecting(): void
  /** Gone: closes what is left of it and opens a new attempt after back-off. */
  dropped(): void
  /** Gone for good (the server refused this thread): no new attempt. */
  refused(): void
}

/** `open` starts one attempt and returns how to close it. */
export function useChannel(key: string | null, enabled: boolean, open: (attempt: ChannelAttempt) => () => void): ConnectionState {
  const [state, setState] = useState<ConnectionState>('idle')
  const openRef = useRef(open)
  openRef.current = open

  useEffect(() => {
    if (!key || !enabled) {
      setState('idle')
      return
    }
    let disposed = false
    let failures = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let close: (() => void) | undefined

    const connect = () => {
      let over = false
      const end = (retry: boolean) => {
        if (over || disposed) return
        over = true
        close?.()
        setState('disconnected')
        if (retry) timer = setTimeout(connect, retryDelay(++failures))
      }
      const attempt: ChannelAttempt = {
        get live() {
          return !over && !disposed
        },
        connected: () => {
          if (over || disposed) return
          failures = 0
          setState('connected')
        },
        reconnecting: () => !over && !disposed && setState('reconnecting'),
        dropped: () => end(true),
        refused: () => end(false),
      }
      setState(failures === 0 ? 'connecting' : 'reconnecting')
      close = openRef.current(attempt)
    }
    connect()
    return () => {
      disposed = true
      clearTimeout(timer)
      close?.()
    }
  }, [key, enabled])

  return state
}
