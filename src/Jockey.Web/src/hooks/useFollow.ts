// Keeps the end of a growing list in view while the reader is there — the run as it happens, a reopened conversation
// at its latest result — and leaves them be once they scroll away; back at the end, it follows again.
import { useCallback, useEffect, useRef, useState } from 'react'

/** How close to the end still counts as "at the end" (the phone's prompt box covers part of the view). */
const Slack = 160

/** How long after a wheel, touch or key a scroll counts as the reader's own. */
const IntentMs = 1500

const scrollKeys = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' '])

export function useFollow<T extends HTMLElement>() {
  const [element, setElement] = useState<T | null>(null)
  const following = useRef(true)

  useEffect(() => {
    if (!element) return
    following.current = true
    const pane = element.closest<HTMLElement>('[data-scroll-container]')
    // Wide screens scroll the timeline's own pane; phones scroll the page.
    const scrolls = () => (pane && pane.scrollHeight > pane.clientHeight ? pane : null)
    const atEnd = () => {
      const bottom = scrolls()?.getBoundingClientRect().bottom ?? window.innerHeight
      return element.getBoundingClientRect().bottom <= bottom + Slack
    }
    // Only the reader's own scrolling decides: the page's scrolls (following itself, the browser keeping its place
    // while images load above) must not count as "scrolled away".
    let intent = 0
    const onIntent = (e: Event) => {
      if (!(e instanceof KeyboardEvent) || scrollKeys.has(e.key)) intent = performance.now()
    }
    const onScroll = () => {
      if (performance.now() - intent < IntentMs) following.current = atEnd()
    }
    const toEnd = () => {
      if (following.current) element.scrollIntoView({ block: 'end' })
    }
    const intents = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const
    for (const type of intents) window.addEventListener(type, onIntent, { passive: true, capture: true })
    pane?.addEventListener('scroll', onScroll, { passive: true })
    window.addEventListener('scroll', onScroll, { passive: true })
    // Growth of any kind: a new step, a longer reflection, a thumbnail that loaded.
    const growth = new ResizeObserver(toEnd)
    growth.observe(element)
    return () => {
      growth.disconnect()
      for (const type of intents) window.removeEventListener(type, onIntent, { capture: true })
      pane?.removeEventListener('scroll', onScroll)
      window.removeEventListener('scroll', onScroll)
    }
  }, [element])

  /** The reader did something here (played a search result): stay put until they scroll back to the end. */
  const stop = useCallback(() => (following.current = false), [])
  return { ref: setElement, stop }
}
