import { FolderPlus, Trash2, Upload } from 'lucide-react'
import { useState, type DragEvent } from 'react'
import type { IndexInfo } from '../api/types'
import { clock } from '../format'
import { useLibrary, type UploadState } from '../hooks/useLibrary'
import './LibraryManager.css'

interface Props {
  indexes: IndexInfo[]
  indexId: string
  onIndexChange: (indexId: string) => void
  onIndexesChanged: () => void
  enabled: boolean
}

/**
 * Your own videos: browse the chosen index, add videos (drop or pick a file) with the upload's progress, make a new
 * index, delete a video. Shown only when the server's library can be changed from here (GET /api/library).
 */
export function LibraryManager({ indexes, indexId, onIndexChange, onIndexesChanged, enabled }: Props) {
  const lib = useLibrary(indexId, enabled, onIndexesChanged)
  const [newIndex, setNewIndex] = useState('')
  const [dragging, setDragging] = useState(false)
  if (!lib.supported) return null
  const busy = lib.upload.state === 'uploading'

  const drop = (e: DragEvent) => {
    e.preventDefault()
    setDragging(false)
    const file = e.dataTransfer.files[0]
    if (file && !busy) void lib.send(file)
  }

  return (
    <details className="library" data-testid="library">
      <summary>Your library</summary>
      <div className="library__row">
        <label htmlFor="library-index">Index</label>
        <select id="library-index" value={indexId} onChange={(e) => onIndexChange(e.target.value)} data-testid="library-index">
          {indexes.map((i) => <option key={i.index_id} value={i.index_id}>{i.index_id}</option>)}
        </select>
      </div>
      <form className="library__row" onSubmit={(e) => {
        e.preventDefault()
        const id = newIndex.trim()
        if (id) void lib.createIndex(id).then((made) => {
          if (!made) return
          setNewIndex('')
          onIndexChange(id)
        })
      }}>
        <input value={newIndex} onChange={(e) => setNewIndex(e.target.value)} placeholder="new-index" aria-label="New index name"
          pattern="[A-Za-z0-9_\-]{1,64}" data-testid="library-new-index" />
        <button type="submit" className="button button--small" data-testid="library-create-index"><FolderPlus aria-hidden="true" size={15} /> Create</button>
      </form>
      <label className={`library__drop${dragging ? ' library__drop--over' : ''}`} data-testid="library-drop"
        onDragOver={(e) => { e.preventDefault(); setDragging(true) }} onDragLeave={() => setDragging(false)} onDrop={drop}>
        <Upload aria-hidden="true" size={18} />
        <span>Drop a video here or <u>choose a file</u> to add it to “{indexId}”</span>
        <input type="file" accept="video/*,.mp4,.m4v,.mov,.mkv,.webm" disabled={busy} data-testid="library-file" className="visually-hidden"
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) void lib.send(file)
          }} />
      </label>
      <UploadStatus upload={lib.upload} />
      {lib.error && <p className="library__error" role="alert" data-testid="library-error">{lib.error}</p>}
      <ul className="library__videos">
        {lib.videos.map((v) => (
          <li key={v.video_id} className="library__video" data-testid="library-video" data-video-id={v.video_id}>
            {v.thumbnail_url ? <img src={v.thumbnail_url} alt="" loading="lazy" /> : <span className="library__thumb" />}
            <span className="library__meta">
              <span className="library__title">{v.title}</span>
              <span className="library__details">
                {v.duration != null && clock(v.duration)}
                {v.tags && v.tags.length > 0 && ` · ${v.tags.join(', ')}`}
              </span>
            </span>
            <button type="button" className="button button--small button--danger" aria-label={`Delete ${v.title}`} data-testid="library-delete"
              onClick={() => void lib.remove(v.video_id)}>
              <Trash2 aria-hidden="true" size={14} />
            </button>
          </li>
        ))}
      </ul>
    </details>
  )
}

function UploadStatus({ upload }: { upload: UploadState }) {
  if (upload.state === 'idle') return null
  return (
    <div className={`library__upload library__upload--${upload.state}`} role="status" data-testid="upload" data-state={upload.state}
      data-phase={upload.state === 'uploading' ? upload.phase : undefined}
      data-sent={upload.state === 'uploading' ? upload.sent : undefined} data-total={upload.state === 'uploading' ? upload.total : undefined}>
      {upload.state === 'uploading' && upload.phase === 'sending' && (
        <>
          <progress max={upload.total} value={upload.sent} data-testid="upload-progress" />
          <span>Sending “{upload.name}”: {Math.round((upload.sent / Math.max(1, upload.total)) * 100)}%</span>
        </>
      )}
      {upload.state === 'uploading' && upload.phase === 'indexing' && (
        <>
          <progress data-testid="upload-progress" />
          <span>All {Math.round(upload.sent / 1024)} KiB sent. Indexing “{upload.name}”…</span>
        </>
      )}
      {upload.state === 'ready' && <span>“{upload.title}” is in the index and searchable now.</span>}
      {upload.state === 'failed' && <span>{upload.message}</span>}
    </div>
  )
}
