import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from './api'
import { auth, onUnauthorized } from './auth'

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } })

const signedIn = { mode: 'key', user: { id: 'key-abc', name: 'key-abc' }, csrf_token: 'token-1', expires_at: '2030-01-01T00:00:00Z', sign_out_url: '/api/auth/sign-out' }

afterEach(() => vi.unstubAllGlobals())

describe('sign-in and the API client', () => {
  it('sends the anti-forgery token of the session on requests that change something, not on reads', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValueOnce(json(200, signedIn))
    vi.stubGlobal('fetch', fetchMock)
    await auth.signIn('the-key-0123456789abcdef')

    fetchMock.mockResolvedValueOnce(json(200, { thread_id: 't', status: 'initialized' })).mockResolvedValueOnce(json(200, []))
    await api.createThread()
    await api.indexes()

    const headersOf = (call: number) => fetchMock.mock.calls[call][1]?.headers as Record<string, string>
    expect(headersOf(1)['X-CSRF-Token']).toBe('token-1')
    expect(headersOf(2)['X-CSRF-Token']).toBeUndefined()
  })

  it('tells its listeners when the API answers 401', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(json(401, { title: 'Sign-in required', detail: 'Sign in.' }, 'application/problem+json')))
    const heard = vi.fn()
    const stop = onUnauthorized(heard)

    await expect(api.config()).rejects.toThrow('Sign in.')
    stop()

    expect(heard).toHaveBeenCalledTimes(1)
  })

  it('reads a 401 from the session check as signed out, with where to sign in', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(json(401, { auth_mode: 'entra', sign_in_url: '/.auth/login/aad' }, 'application/problem+json')))

    expect(await auth.check()).toEqual({ signedIn: false, mode: 'entra', signInUrl: '/.auth/login/aad' })
  })

  it("passes the API's reason on when a key is refused", async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(json(401, { detail: 'That access key is not valid.' }, 'application/problem+json')))

    await expect(auth.signIn('wrong')).rejects.toThrow('That access key is not valid.')
  })
})
