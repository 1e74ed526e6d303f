import { useEffect, useMemo, type ReactNode } from 'react'
import { useAuth } from '../hooks/useAuth'
import { AccountContext } from './AccountContext'
import { SessionExpired } from './SessionExpired'
import { SignInPage } from './SignInPage'

/** Shows the app to a signed-in browser (or to anyone with Auth:Mode none), else the way to sign in. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { state, signIn, signOut } = useAuth()
  const session = state.status === 'signed-in' || state.status === 'expired' ? state.session : null
  const account = useMemo(() => (session?.user ? { session, signOut: () => void signOut() } : null), [session, signOut])

  // Entra ID sign-in is the platform's page, not ours.
  const platformSignIn = state.status === 'signed-out' && state.mode === 'entra' ? state.signInUrl : null
  useEffect(() => {
    if (platformSignIn) window.location.assign(platformSignIn)
  }, [platformSignIn])

  switch (state.status) {
    case 'checking':
      return null
    case 'signed-out':
      return state.mode === 'key' ? <SignInPage onSignIn={signIn} /> : null
    default:
      return (
        <AccountContext.Provider value={account}>
          {children}
          {state.status === 'expired' && <SessionExpired mode={state.mode} signInUrl={state.signInUrl} onSignIn={signIn} />}
        </AccountContext.Provider>
      )
  }
}
