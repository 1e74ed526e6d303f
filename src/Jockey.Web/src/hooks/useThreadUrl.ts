// The conversation's thread id lives in the address (?thread=…): a reload, a bookmark or Back
// brings the same conversation back from the server.
import { useCallback, useEffect, useState } from 'react'

const read = () => new URLSearchParams(location.search).get('thread')

export function useThreadUrl() {
  const [threadId, setThreadId] = useState<string | null>(read)

  useEffect(() => {
    const onPop = () => setThreadId(read())
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])

  /** `replace` for the thread created on first load, a new history entry for "New conversation". */
  const go = useCallback((id: string, mode: 'push' | 'replace') => {
    const url = new URL(location.href)
    url.searchParams.set('thread', id)
    if (mode === 'push') history.pushState(null, '', url)
    else history.replaceState(null, '', url)
    setThreadId(id)
  }, [])

  return [threadId, go] as const
}

/** `?transport=sse` switches the live updates from SignalR to Server-Sent Events. */
export const preferredTransport = (): 'signalr' | 'sse' =>
  new URLSearchParams(location.search).get('transport') === 'sse' ? 'sse' : 'signalr'
