// How many tabs watch this conversation live (issue 18). The tab says it is here every refresh_ms the
// API asks for and learns the count in the answer; it says goodbye when it closes or leaves the thread.
// A tab that crashes just stops saying it is here, and the API stops counting it within seconds.
import { useEffect, useState } from 'react'
import { api } from '../api/api'

/** This tab's id for as long as the page is open: a reload is a new tab, a second tab another one. */
const tabId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')

const retryMs = 2000

export function useWatchers(threadId: string | null, enabled: boolean): number | null {
  const [watching, setWatching] = useState<number | null>(null)

  useEffect(() => {
    setWatching(null)
    if (!threadId || !enabled) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const beat = async () => {
      try {
        const answer = await api.watch(threadId, tabId)
        if (stopped) return
        setWatching(answer.watching)
        timer = setTimeout(beat, answer.refresh_ms)
      } catch {
        if (stopped) return
        setWatching(null) // unknown rather than stale
        timer = setTimeout(beat, retryMs)
      }
    }
    void beat()
    const leave = () => api.leave(threadId, tabId)
    // pagehide, not unload: it also fires when the page goes into the back/forward cache; the timer
    // says "here" again if it comes back.
    addEventListener('pagehide', leave)
    return () => {
      stopped = true
      clearTimeout(timer)
      removeEventListener('pagehide', leave)
      leave()
    }
  }, [threadId, enabled])

  return watching
}
