import { Film } from 'lucide-react'
import { useState } from 'react'
import type { IndexVideo } from '../api/types'
import { clock } from '../format'
import './LibraryStrip.css'

/** What can be asked for: the index's videos as a read-only strip of thumbnails, shown from the first screen. */
export function LibraryStrip({ videos, indexId }: { videos: IndexVideo[]; indexId: string }) {
  if (videos.length === 0) return null
  return (
    <section className="library-strip" aria-labelledby="library-strip-title" data-testid="library-strip">
      <h2 id="library-strip-title" className="library-strip__title">
        In your library{indexId ? <> (<span className="library-strip__index">{indexId}</span>)</> : null} · {videos.length} video{videos.length === 1 ? '' : 's'}
      </h2>
      <ul className="library-strip__list">
        {videos.map((v) => (
          <li key={v.video_id} className="library-strip__item" data-testid="library-item" data-video-id={v.video_id}>
            <Thumb video={v} />
            <span className="library-strip__name">{v.title}</span>
            {v.duration ? <span className="library-strip__length">{clock(Math.floor(v.duration))}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  )
}

function Thumb({ video }: { video: IndexVideo }) {
  const [broken, setBroken] = useState(false)
  return (
    <span className="library-strip__thumb">
      {video.thumbnail_url && !broken
        ? <img src={video.thumbnail_url} alt="" loading="lazy" onError={() => setBroken(true)} />
        : <Film aria-hidden="true" size={18} />}
    </span>
  )
}
