// The only module that speaks HTTP to the API (sign-in aside: auth.ts). Failures become ApiError with a sentence a person
// can act on: the API's own ProblemDetails `detail` when it sent one, otherwise what went wrong.
import { antiForgeryHeaders, reportUnauthorized } from './auth'
import { parseOperation } from './parse'
import type { IndexInfo, IndexVideo, Operation, ServerConfig, ThreadInfo } from './types'

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** True when the API itself could not be reached (network down, proxy answered 502–504). */
    readonly unreachable: boolean,
    readonly title?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(method === 'GET' ? {} : antiForgeryHeaders()),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    if (signal?.aborted) throw error
    throw new ApiError(await whoIsDown(), 0, true)
  }
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T
  if (response.status === 401) reportUnauthorized()
  throw await toApiError(response, method, path)
}

/**
 * A request that failed outright: when the web server still serves the page, it is the API that is down — say so,
 * rather than blaming the person's network.
 */
async function whoIsDown(): Promise<string> {
  const webUp = await fetch('/', { method: 'HEAD', cache: 'no-store' }).then((r) => r.ok, () => false)
  return webUp
    ? 'The Jockey API is down: the web server answered, the API did not. Start it again (./scripts/dev.sh, or Start in the dashboard).'
    : 'The browser could not connect to the web server. Check your network connection.'
}

async function toApiError(response: Response, method: string, path: string): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? ''
  const gateway = response.status >= 502 && response.status <= 504
  if (type.includes('json')) {
    const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string }
    const message = problem.detail ?? problem.title ?? `${method} ${path} failed (${response.status}).`
    return new ApiError(message, response.status, gateway, problem.title)
  }
  if (gateway) {
    return new ApiError(
      'The Jockey API is down: the web server is up but the API behind it did not answer. Start it with ./scripts/dev.sh.',
      response.status,
      true,
    )
  }
  return new ApiError(`${method} ${path} failed with HTTP ${response.status}.`, response.status, false)
}

const enc = encodeURIComponent

export const api = {
  config: (signal?: AbortSignal) => request<ServerConfig>('GET', '/api/config', undefined, signal),
  indexes: (signal?: AbortSignal) => request<IndexInfo[]>('GET', '/api/indexes', undefined, signal),
  indexVideos: (indexId: string, signal?: AbortSignal) =>
    request<IndexVideo[]>('GET', `/api/indexes/${enc(indexId)}/videos`, undefined, signal),
  createThread: () => request<{ thread_id: string; status: string }>('POST', '/api/process/init', {}),
  thread: (threadId: string, signal?: AbortSignal) =>
    request<ThreadInfo>('GET', `/api/threads/${enc(threadId)}`, undefined, signal),
  process: async (text: string, threadId: string, indexId?: string) =>
    checked(await request<unknown>('POST', '/api/process', { text, thread_id: threadId, index_id: indexId })),
  cancel: async (operationId: string) =>
    checked(await request<unknown>('POST', `/api/operations/${enc(operationId)}/cancel`, {})),
  watch: (threadId: string, tabId: string) =>
    request<{ watching: number; refresh_ms: number }>('PUT', `/api/threads/${enc(threadId)}/watchers/${enc(tabId)}`),
  /** keepalive: it still goes out when the tab is closing. Best effort, like the goodbye it is. */
  leave: (threadId: string, tabId: string) =>
    void fetch(`/api/threads/${enc(threadId)}/watchers/${enc(tabId)}`, { method: 'DELETE', keepalive: true, headers: antiForgeryHeaders() }).catch(() => undefined),
}

function checked(body: unknown): Operation {
  const operation = parseOperation(body)
  if (!operation) throw new ApiError('The server answered with something that is not an operation.', 200, false)
  return operation
}
