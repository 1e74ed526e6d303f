// Whether this browser may use the app: checks the session at start, signs in and out, and notices when a session
// ends mid-run — at the expiry the API named, or on any 401 — so the page can say so instead of failing quietly.
import { useCallback, useEffect, useState } from 'react'
import { auth, onUnauthorized, type AuthMode, type SessionInfo } from '../api/auth'

export type AuthState =
  | { status: 'checking' }
  /** The API did not answer: the app shows (its server status says why and retries); a 401 later brings sign-in. */
  | { status: 'unknown' }
  | { status: 'signed-out'; mode: AuthMode; signInUrl: string | null }
  | { status: 'signed-in'; session: SessionInfo }
  /** Was signed in and the session ended; the app stays on screen under a notice. */
  | { status: 'expired'; mode: AuthMode; signInUrl: string | null; session: SessionInfo }

export function useAuth() {
  const [state, setState] = useState<AuthState>({ status: 'checking' })
  const [tick, setTick] = useState(0)

  useEffect(() => {
    const abort = new AbortController()
    auth
      .check(abort.signal)
      .then((check) =>
        setState((previous) =>
          check.signedIn
            ? { status: 'signed-in', session: check.session }
            : previous.status === 'signed-in' || previous.status === 'expired'
              ? { status: 'expired', mode: check.mode, signInUrl: check.signInUrl, session: previous.session }
              : { status: 'signed-out', mode: check.mode, signInUrl: check.signInUrl },
        ),
      )
      .catch(() => {
        if (!abort.signal.aborted) setState((previous) => (previous.status === 'checking' ? { status: 'unknown' } : previous))
      })
    return () => abort.abort()
  }, [tick])

  const recheck = useCallback(() => setTick((t) => t + 1), [])

  // Any 401 from the API means the session is gone: check, which turns a signed-in page into an expired one.
  useEffect(() => onUnauthorized(recheck), [recheck])

  // A key session ends at a known time; look again just after it.
  const expiresAt = state.status === 'signed-in' ? state.session.expires_at : null
  useEffect(() => {
    if (!expiresAt) return
    const timer = setTimeout(recheck, Math.max(0, Math.min(Date.parse(expiresAt) - Date.now() + 1000, 2 ** 31 - 1)))
    return () => clearTimeout(timer)
  }, [expiresAt, recheck])

  const expired = state.status === 'expired'
  const signIn = useCallback(
    async (key: string) => {
      const session = await auth.signIn(key)
      // Live connections broke when the session ended; a fresh page picks the conversation up from the URL.
      if (expired) window.location.reload()
      else setState({ status: 'signed-in', session })
    },
    [expired],
  )

  const signOut = useCallback(async () => {
    if (state.status !== 'signed-in') return
    await auth.signOut(state.session)
    if (state.session.mode === 'key') setState({ status: 'signed-out', mode: 'key', signInUrl: '/' })
  }, [state])

  return { state, signIn, signOut }
}
