import { Download, Film, Loader2, Scissors } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import { clock } from '../format'
import { loadHls, useVideoSource } from '../hooks/useVideoSource'
import type { Media } from '../state/media'
import './ResultPlayer.css'

/**
 * The selected result: a rendered video (with download), its preview while it is still being cut, or one search
 * segment, played in place. A preview and the video that follows it share one <video>, so the switch keeps the position.
 */
export function ResultPlayer({ media }: { media: Media | null }) {
  const video = useRef<HTMLVideoElement>(null)
  const [failed, setFailed] = useState(false)
  const [attempt, setAttempt] = useState(0)
  // The length the video element reports: the title then says what the player's own controls say.
  const [length, setLength] = useState<number | null>(null)
  const key = !media
    ? 'none'
    : media.kind !== 'clip' && media.operationId
      ? `run-${media.operationId}-${attempt}`
      : `${media.kind}-${media.seq}-${media.kind === 'clip' ? media.index : ''}-${attempt}`

  useEffect(() => {
    setFailed(false)
    setLength(null)
  }, [key])
  useEffect(() => void loadHls().catch(() => undefined), [])

  // A segment starts at its in-point (media fragment + explicit seek) and stops at its out-point.
  const src = !media ? null : media.kind === 'clip' ? `${media.src}#t=${media.start},${media.end}` : media.src
  useVideoSource(video, src ? { url: src, stream: media?.kind === 'preview', element: key } : null, () => setFailed(true))

  if (!media) {
    return (
      <section className="player player--empty" aria-label="Result" data-testid="result-player" data-state="empty">
        <Film aria-hidden="true" size={28} />
        <p>Your video appears here as soon as Jockey has cut it. Search results play here too.</p>
      </section>
    )
  }

  const isClip = media.kind === 'clip'
  const isPreview = media.kind === 'preview'
  const onLoaded = () => {
    if (video.current && Number.isFinite(video.current.duration)) setLength(video.current.duration)
    if (isClip && video.current && video.current.currentTime < media.start) video.current.currentTime = media.start
  }
  const onTime = () => {
    if (isClip && video.current && video.current.currentTime >= media.end) video.current.pause()
  }

  return (
    <section className="player" aria-label="Result" data-testid="result-player" data-state={media.kind}>
      <div className="player__frame">
        <video
          key={key}
          ref={video}
          controls
          playsInline
          preload="auto"
          autoPlay={isClip}
          onLoadedMetadata={onLoaded}
          onTimeUpdate={onTime}
          onError={() => setFailed(true)}
          data-testid={isClip ? 'clip-video' : 'result-video'}
          data-source={isPreview ? 'preview' : isClip ? 'clip' : 'final'}
          aria-label={isClip ? `Segment of ${media.clip.title}` : isPreview ? 'Your video, still being cut' : 'Your video'}
        />
        {isPreview && (
          <p className="player__rendering" role="status" data-testid="still-rendering">
            <Loader2 aria-hidden="true" className="spin" size={14} /> Still rendering: you are watching it as it is cut
          </p>
        )}
      </div>
      {failed && (
        <p className="player__error" role="alert">
          This video could not be loaded.{' '}
          <button type="button" className="button button--small" onClick={() => setAttempt((a) => a + 1)}>Try again</button>
        </p>
      )}
      <div className="player__meta">
        {isClip ? (
          <p className="player__title">
            <Scissors aria-hidden="true" size={15} /> {media.clip.title}
            <span className="player__sub">{clock(media.start)}–{clock(media.end)}</span>
          </p>
        ) : isPreview ? (
          <p className="player__title">
            <Film aria-hidden="true" size={15} /> {media.title || 'Your video'}
          </p>
        ) : (
          <>
            <p className="player__title">
              <Film aria-hidden="true" size={15} /> <span data-testid="result-title">{media.title || 'Your video'}</span>
              {(length ?? media.duration) ? <span className="player__sub" data-testid="result-length">{clock(Math.floor(length ?? media.duration ?? 0))}</span> : null}
            </p>
            <a className="button button--small" href={media.downloadUrl} download={media.fileName} data-testid="download-video">
              <Download aria-hidden="true" size={14} /> Download
            </a>
          </>
        )}
      </div>
    </section>
  )
}
