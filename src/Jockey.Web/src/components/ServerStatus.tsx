import { Loader2 } from 'lucide-react'
import type { ServerState } from '../hooks/useServer'
import { ErrorCard } from './ErrorCard'

/** Says plainly when the API does not answer, instead of a page that silently does nothing. */
export function ServerStatus({ server, onRetry }: { server: ServerState; onRetry: () => void }) {
  if (server.status === 'ready') return null
  if (server.status === 'loading') {
    return (
      <p className="server-loading" role="status" data-testid="server-status" data-state="loading">
        <Loader2 className="spin" aria-hidden="true" size={16} /> Connecting to the Jockey server…
      </p>
    )
  }
  return (
    <div data-testid="server-status" data-state="unreachable">
      <ErrorCard
        title="The Jockey API is not answering"
        message={`${server.message} Retrying every few seconds.`}
        onRetry={onRetry}
        retryLabel="Try now"
        testId="server-unreachable"
      />
    </div>
  )
}
