import { Clapperboard, Plus } from 'lucide-react'
import { AccountMenu } from '../auth/AccountMenu'
import type { ConnectionState } from '../hooks/connection'
import { ConnectionIndicator } from './ConnectionIndicator'
import { ShareButton } from './ShareButton'
import { WatcherCount } from './WatcherCount'
import './TopBar.css'

interface Props {
  live: ConnectionState
  narration: ConnectionState
  narrationEnabled: boolean
  onNewConversation: () => void
  canStartNew: boolean
  /** The conversation's link for the Share button, and how many tabs watch it (issue 18). */
  shareUrl?: string | null
  watching?: number | null
}

export function TopBar({ live, narration, narrationEnabled, onNewConversation, canStartNew, shareUrl = null, watching = null }: Props) {
  return (
    <header className="topbar">
      <div className="topbar__brand">
        <Clapperboard aria-hidden="true" size={22} />
        <span>Jockey</span>
      </div>
      <div className="topbar__status" aria-label="Connections">
        <ConnectionIndicator label="Live" state={live} testId="connection-live" />
        {narrationEnabled && <ConnectionIndicator label="Narration" state={narration} testId="connection-narration" />}
        <WatcherCount count={watching} />
      </div>
      <ShareButton url={shareUrl} />
      <button type="button" className="button" onClick={onNewConversation} disabled={!canStartNew} data-testid="new-conversation">
        <Plus aria-hidden="true" size={16} /> New conversation
      </button>
      <AccountMenu />
    </header>
  )
}
