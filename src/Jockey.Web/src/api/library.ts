// The library screen's calls (issue 18): whether the server's library can be changed, new indexes,
// uploads with progress (XMLHttpRequest: fetch reports no upload progress), deletes.
import { ApiError, request } from './api'
import { antiForgeryHeaders, reportUnauthorized } from './auth'
import type { IndexVideo } from './types'

export interface LibraryInfo {
  supported: boolean
  max_upload_bytes: number
}

/** Bytes sent of the whole body; once all are sent, the agent indexes the video before it answers. */
export type UploadProgress = { phase: 'sending' | 'indexing'; sent: number; total: number }

const enc = encodeURIComponent

export const library = {
  info: () => request<LibraryInfo>('GET', '/api/library'),
  createIndex: async (indexId: string) => void (await request('POST', '/api/indexes', { index_id: indexId })),
  deleteVideo: (indexId: string, videoId: string) => request<void>('DELETE', `/api/indexes/${enc(indexId)}/videos/${enc(videoId)}`),

  /** Sends the file as a browser's FormData does (field "file"); resolves with the video once it is indexed. */
  upload: (indexId: string, file: File, onProgress: (progress: UploadProgress) => void) =>
    new Promise<IndexVideo>((resolve, reject) => {
      const form = new FormData()
      form.append('file', file)
      const xhr = new XMLHttpRequest()
      xhr.open('POST', `/api/indexes/${enc(indexId)}/videos`)
      xhr.setRequestHeader('Accept', 'application/json')
      for (const [name, value] of Object.entries(antiForgeryHeaders())) xhr.setRequestHeader(name, value)
      xhr.upload.onprogress = (e) => onProgress({ phase: 'sending', sent: e.loaded, total: e.lengthComputable ? e.total : file.size })
      // Every byte is on its way: the agent now probes and indexes the video before it answers.
      xhr.upload.onload = (e) => onProgress({ phase: 'indexing', sent: e.loaded, total: e.lengthComputable ? e.total : e.loaded })
      xhr.onerror = () => reject(new ApiError('The upload was cut off: the connection to the server broke. Try again.', 0, true))
      xhr.onload = () => {
        let body: { detail?: string; title?: string } & Partial<IndexVideo> = {}
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          // A proxy's HTML error page: the status says enough.
        }
        if (xhr.status === 401) reportUnauthorized()
        if (xhr.status === 201 && body.video_id) resolve(body as IndexVideo)
        else reject(new ApiError(body.detail ?? body.title ?? `The upload failed with HTTP ${xhr.status}.`, xhr.status, xhr.status >= 502 && xhr.status <= 504))
      }
      xhr.send(form)
    }),
}
