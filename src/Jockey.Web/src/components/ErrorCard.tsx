import { AlertTriangle, RotateCcw } from 'lucide-react'
import type { ReactNode } from 'react'
import './ErrorCard.css'

interface Props {
  title: string
  message: string
  onRetry?: () => void
  retryLabel?: string
  children?: ReactNode
  testId?: string
}

/** A failure in words, with the action that fixes it. */
export function ErrorCard({ title, message, onRetry, retryLabel = 'Retry', children, testId = 'error-card' }: Props) {
  return (
    <div className="error-card" role="alert" data-testid={testId}>
      <AlertTriangle className="error-card__icon" aria-hidden="true" size={20} />
      <div className="error-card__body">
        <p className="error-card__title">{title}</p>
        <p className="error-card__message">{message}</p>
        {(onRetry || children) && (
          <div className="error-card__actions">
            {onRetry && (
              <button type="button" className="button button--small" onClick={onRetry} data-testid="retry">
                <RotateCcw aria-hidden="true" size={14} /> {retryLabel}
              </button>
            )}
            {children}
          </div>
        )}
      </div>
    </div>
  )
}
