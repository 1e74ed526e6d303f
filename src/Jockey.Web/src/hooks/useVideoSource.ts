// Puts a source into the player's <video>: a file as it is, or a render's HLS preview through hls.js wherever Media
// Source Extensions exist, and the browser's own HLS only where they do not (iPhones before iOS 17.1). That is
// hls.js's documented order, and it makes the preview behave the same everywhere: an event playlist is watched from
// its start (a native player may jump to the live edge), and the tests exercise the path users get (Debian's
// Chromium 156 answers "maybe" for HLS, yet plays it through hls.js here).
// When the source of the same element changes — the preview giving way to the finished file — the position and
// whether it was playing carry over, so the switch shows no jump.
import type Hls from 'hls.js/light'
import { type RefObject, useEffect, useRef } from 'react'

export interface VideoSource {
  url: string
  /** An HLS playlist (a render's preview, still growing) rather than a file. */
  stream: boolean
  /** The <video>'s React key: a new element (a retry) needs the source put in again. */
  element: string
}

interface Carried {
  element: HTMLVideoElement
  time: number
  playing: boolean
}

let hlsModule: Promise<typeof import('hls.js/light')> | null = null

/**
 * hls.js in its own chunk, the light build (a preview needs no subtitles, alternate audio or DRM), fetched once: the
 * player asks for it when it mounts, so the page's first paint does not wait for it and the first preview does not either.
 */
export function loadHls() {
  hlsModule ??= import('hls.js/light').catch((error: unknown) => {
    hlsModule = null // a later preview tries again
    throw error
  })
  return hlsModule
}

export function useVideoSource(video: RefObject<HTMLVideoElement | null>, source: VideoSource | null, onFatal: () => void) {
  const carried = useRef<Carried | null>(null)
  const fatal = useRef(onFatal)
  fatal.current = onFatal
  const url = source?.url
  const stream = source?.stream ?? false
  const mounted = source?.element

  useEffect(() => {
    const element = video.current
    if (!element || !url) return
    // Only from this same element: another <video> (another result) starts from its own beginning.
    const resume = carried.current?.element === element ? carried.current : null
    carried.current = null
    let hls: Hls | null = null
    let detached = false
    if (stream) {
      void loadHls().then(({ default: HlsPlayer }) => {
        if (detached) return
        if (!HlsPlayer.isSupported()) {
          element.src = url
          return
        }
        // An event playlist counts as live; a preview is watched from its start, not from the render's edge.
        hls = new HlsPlayer({ startPosition: resume?.time ?? 0 })
        hls.on(HlsPlayer.Events.ERROR, (_event, data) => {
          if (data.fatal) fatal.current()
        })
        hls.loadSource(url)
        hls.attachMedia(element)
      }, () => fatal.current())
    } else {
      element.src = url
    }
    const started = () => {
      if (resume && Math.abs(element.currentTime - resume.time) > 0.05) element.currentTime = resume.time
      if (resume) element.dataset.resumedAt = resume.time.toFixed(2)
      // A preview plays at once; a finished file only if what it replaced was playing.
      if (stream || resume?.playing) void playEvenIfMuted(element)
    }
    element.addEventListener('loadedmetadata', started, { once: true })
    return () => {
      carried.current = { element, time: element.currentTime, playing: !element.paused && !element.ended }
      element.removeEventListener('loadedmetadata', started)
      detached = true
      hls?.destroy()
    }
  }, [video, url, stream, mounted])
}

/** Without a gesture on this page (a reload), a browser may refuse to autoplay sound: then it plays muted. */
async function playEvenIfMuted(element: HTMLVideoElement) {
  try {
    await element.play()
  } catch (error) {
    if (!(error instanceof DOMException) || error.name !== 'NotAllowedError') return
    element.muted = true
    await element.play().catch(() => undefined)
  }
}
