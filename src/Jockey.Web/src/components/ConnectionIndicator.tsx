import type { ConnectionState } from '../hooks/connection'
import './ConnectionIndicator.css'

const words: Record<ConnectionState, string> = {
  idle: 'waiting',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  disconnected: 'offline',
}

/** A dot and a word per channel; the state is also in data-state for tests. */
export function ConnectionIndicator({ label, state, testId }: { label: string; state: ConnectionState; testId: string }) {
  return (
    <span className={`connection connection--${state}`} data-testid={testId} data-state={state} role="status">
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{label}</span>
      <span className="connection__state">{words[state]}</span>
    </span>
  )
}
