import { ErrorCard } from '../components/ErrorCard'
import { SignInForm } from './SignInForm'

interface Props {
  mode: 'key' | 'entra' | 'none'
  signInUrl: string | null
  onSignIn: (key: string) => Promise<void>
}

/** Over the app when the session ends mid-run: the run is not lost, only the view of it. */
export function SessionExpired({ mode, signInUrl, onSignIn }: Props) {
  return (
    <div className="session-expired" data-testid="session-expired">
      <ErrorCard title="Your session has expired" message="Any run you started goes on. Sign in again to keep watching it." testId="session-expired-card">
        {mode === 'key' ? (
          <SignInForm onSignIn={onSignIn} submitLabel="Sign in again" />
        ) : (
          <a className="button button--small" href={signInUrl ?? '/'}>Sign in again</a>
        )}
      </ErrorCard>
    </div>
  )
}
