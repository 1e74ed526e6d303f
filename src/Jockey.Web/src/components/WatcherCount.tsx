import { Eye } from 'lucide-react'
import './WatcherCount.css'

/** "2 watching": how many tabs follow this conversation live, this one included. */
export function WatcherCount({ count }: { count: number | null }) {
  if (count === null) return null
  return (
    <span className="watchers" data-testid="watchers" data-count={count} role="status" title="Tabs watching this conversation live">
      <Eye aria-hidden="true" size={15} />
      {count} watching
    </span>
  )
}
