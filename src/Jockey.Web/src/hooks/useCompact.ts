// A phone-sized screen: one column, the page scrolls, and the player goes where the eye is (under what it plays).
import { useEffect, useState } from 'react'

const query = '(max-width: 900px)'

export function useCompact(): boolean {
  const [compact, setCompact] = useState(() => window.matchMedia(query).matches)
  useEffect(() => {
    const media = window.matchMedia(query)
    const onChange = () => setCompact(media.matches)
    media.addEventListener('change', onChange)
    return () => media.removeEventListener('change', onChange)
  }, [])
  return compact
}
