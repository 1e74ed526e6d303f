// Whether the API answers, its settings and its indexes. While it does not answer, the page says so
// and keeps asking with back-off, so it comes alive by itself once the API is up.
import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, api } from '../api/api'
import type { IndexInfo, IndexVideo, ServerConfig } from '../api/types'
import { retryDelay } from './connection'

export type ServerState =
  | { status: 'loading' }
  | { status: 'ready'; config: ServerConfig; indexes: IndexInfo[] }
  | { status: 'unreachable'; message: string }

export function useServer() {
  const [state, setState] = useState<ServerState>({ status: 'loading' })
  const [tick, setTick] = useState(0)
  const attempt = useRef(0)

  useEffect(() => {
    const abort = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    ;(async () => {
      try {
        const config = await api.config(abort.signal)
        const indexes = await api.indexes(abort.signal).catch((): IndexInfo[] => [])
        setState({ status: 'ready', config, indexes: withDefault(indexes, config) })
        attempt.current = 0
      } catch (error) {
        if (abort.signal.aborted) return
        const delay = Math.max(1000, retryDelay(++attempt.current))
        const message = error instanceof Error ? error.message : String(error)
        setState({ status: 'unreachable', message })
        timer = setTimeout(() => setTick((t) => t + 1), delay)
        if (!(error instanceof ApiError)) console.error(error)
      }
    })()
    return () => {
      abort.abort()
      clearTimeout(timer)
    }
  }, [tick])

  const retry = useCallback(() => {
    attempt.current = 0
    setState({ status: 'loading' })
    setTick((t) => t + 1)
  }, [])

  /** The index list again (a new index, an upload), without the page going back to loading. */
  const refreshIndexes = useCallback(() => {
    void api.indexes().then(
      (indexes) => setState((s) => (s.status === 'ready' ? { ...s, indexes: withDefault(indexes, s.config) } : s)),
      () => undefined,
    )
  }, [])

  return { server: state, retry, refreshIndexes }
}

/** A server without an index list still has its configured index. */
function withDefault(indexes: IndexInfo[], config: ServerConfig): IndexInfo[] {
  return indexes.some((i) => i.index_id === config.default_index_id) ? indexes : [{ index_id: config.default_index_id, video_count: 0 }, ...indexes]
}

/** Videos of an index, for example prompts; an empty list when the server has none to offer. */
export function useIndexVideos(indexId: string | null) {
  const [videos, setVideos] = useState<IndexVideo[]>([])
  useEffect(() => {
    setVideos([])
    if (!indexId) return
    const abort = new AbortController()
    api.indexVideos(indexId, abort.signal).then(
      (list) => setVideos(Array.isArray(list) ? list : []),
      () => setVideos([]),
    )
    return () => abort.abort()
  }, [indexId])
  return videos
}
