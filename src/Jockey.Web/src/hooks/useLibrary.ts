// The library screen's state: whether the server's library can be changed, the chosen index's
// videos, and one upload at a time with its progress.
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api/api'
import { library, type LibraryInfo, type UploadProgress } from '../api/library'
import type { IndexVideo } from '../api/types'

export type UploadState =
  | { state: 'idle' }
  | ({ state: 'uploading'; name: string } & UploadProgress)
  | { state: 'ready'; name: string; title: string }
  | { state: 'failed'; name: string; message: string }

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

export function useLibrary(indexId: string, enabled: boolean, onIndexesChanged: () => void) {
  const [info, setInfo] = useState<LibraryInfo | null>(null)
  const [videos, setVideos] = useState<IndexVideo[]>([])
  const [upload, setUpload] = useState<UploadState>({ state: 'idle' })
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const refresh = useCallback(() => setTick((t) => t + 1), [])

  useEffect(() => {
    if (!enabled) return
    library.info().then(setInfo, () => setInfo(null))
  }, [enabled])

  useEffect(() => {
    setVideos([])
    if (!enabled || !indexId || !info?.supported) return
    const abort = new AbortController()
    api.indexVideos(indexId, abort.signal).then((list) => setVideos(Array.isArray(list) ? list : []), () => setVideos([]))
    return () => abort.abort()
  }, [enabled, indexId, info, tick])

  const send = useCallback(async (file: File) => {
    setError(null)
    if (info && file.size > info.max_upload_bytes) {
      setUpload({ state: 'failed', name: file.name, message: `“${file.name}” is larger than the limit of ${Math.floor(info.max_upload_bytes / 1048576)} MB.` })
      return
    }
    setUpload({ state: 'uploading', name: file.name, phase: 'sending', sent: 0, total: file.size })
    try {
      const video = await library.upload(indexId, file, (progress) => setUpload({ state: 'uploading', name: file.name, ...progress }))
      setUpload({ state: 'ready', name: file.name, title: video.title })
      refresh()
      onIndexesChanged()
    } catch (e) {
      setUpload({ state: 'failed', name: file.name, message: message(e) })
    }
  }, [indexId, info, refresh, onIndexesChanged])

  const createIndex = useCallback(async (id: string) => {
    setError(null)
    try {
      await library.createIndex(id)
      onIndexesChanged()
      return true
    } catch (e) {
      setError(message(e))
      return false
    }
  }, [onIndexesChanged])

  const remove = useCallback(async (videoId: string) => {
    setError(null)
    try {
      await library.deleteVideo(indexId, videoId)
      refresh()
      onIndexesChanged()
    } catch (e) {
      setError(message(e))
    }
  }, [indexId, refresh, onIndexesChanged])

  return { supported: !!info?.supported, videos, upload, error, send, createIndex, remove }
}
