import { Clapperboard, Plus } from 'lucide-react'
import { AccountMenu } from '../auth/AccountMenu'
import type { ConnectionState } from '../hooks/connection'
import { ConnectionIndicator } from './ConnectionIndicator'
import './TopBar.css'

interface Props {
  live: ConnectionState
  narration: ConnectionState
  narrationEnabled: boolean
  onNewConversation: () => void
  canStartNew: boolean
}

export function TopBar({ live, narration, narrationEnabled, onNewConversation, canStartNew }: Props) {
  return (
    <header className="topbar">
      <div className="topbar__brand">
        <Clapperboard aria-hidden="true" size={22} />
        <span>Jockey</span>
      </div>
      <div className="topbar__status" aria-label="Connections">
        <ConnectionIndicator label="Live" state={live} testId="connection-live" />
        {narrationEnabled && <ConnectionIndicator label="Narration" state={narration} testId="connection-narration" />}
      </div>
      <button type="button" className="button" onClick={onNewConversation} disabled={!canStartNew} data-testid="new-conversation">
        <Plus aria-hidden="true" size={16} /> New conversation
      </button>
      <AccountMenu />
    </header>
  )
}
