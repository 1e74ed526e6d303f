// Sign-in (docs/deploy.md, "Sign-in"): who is signed in, signing in with a key and out, the anti-forgery token every
// request that changes something carries, and the news that the API answered 401 (the session ended).
export type AuthMode = 'none' | 'key' | 'entra'

export interface SessionInfo {
  mode: AuthMode
  user: { id: string; name: string } | null
  csrf_token: string | null
  expires_at: string | null
  sign_out_url: string | null
}

/** What GET /api/auth/session says: a session, or that one is needed and where to get it. */
export type SessionCheck = { signedIn: true; session: SessionInfo } | { signedIn: false; mode: AuthMode; signInUrl: string | null }

let antiForgeryToken: string | null = null
const unauthorizedListeners = new Set<() => void>()

/** The header the API wants on POST/DELETE with a session; nothing without sign-in. */
export function antiForgeryHeaders(): Record<string, string> {
  return antiForgeryToken ? { 'X-CSRF-Token': antiForgeryToken } : {}
}

/** Called by the API client on any 401: the session ended (expired, signed out elsewhere, key removed). */
export function reportUnauthorized() {
  for (const listener of unauthorizedListeners) listener()
}

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener)
  return () => unauthorizedListeners.delete(listener)
}

function remember(session: SessionInfo): SessionInfo {
  antiForgeryToken = session.csrf_token
  return session
}

async function problemOf(response: Response): Promise<{ detail?: string; auth_mode?: AuthMode; sign_in_url?: string | null }> {
  return (await response.json().catch(() => ({}))) as { detail?: string; auth_mode?: AuthMode; sign_in_url?: string | null }
}

export const auth = {
  async check(signal?: AbortSignal): Promise<SessionCheck> {
    const response = await fetch('/api/auth/session', { signal, headers: { Accept: 'application/json' } })
    if (response.status === 401) {
      const problem = await problemOf(response)
      antiForgeryToken = null
      return { signedIn: false, mode: problem.auth_mode ?? 'key', signInUrl: problem.sign_in_url ?? null }
    }
    if (!response.ok) throw new Error(`The sign-in could not be checked (HTTP ${response.status}).`)
    return { signedIn: true, session: remember((await response.json()) as SessionInfo) }
  },

  /** Signs in with an access key; the API sets the session cookie. Throws with the API's reason when the key is wrong. */
  async signIn(key: string): Promise<SessionInfo> {
    const response = await fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ key }),
    })
    if (!response.ok) throw new Error((await problemOf(response)).detail ?? `Sign-in failed (HTTP ${response.status}).`)
    return remember((await response.json()) as SessionInfo)
  },

  /** Key sessions end at the API; the platform's (Entra ID) at its own logout page, which the browser is sent to. */
  async signOut(session: SessionInfo) {
    antiForgeryToken = null
    if (session.mode === 'entra' && session.sign_out_url) {
      window.location.assign(session.sign_out_url)
      return
    }
    await fetch(session.sign_out_url ?? '/api/auth/sign-out', { method: 'POST' }).catch(() => undefined)
  },
}
