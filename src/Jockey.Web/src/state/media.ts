// What the result player shows for a selection: a rendered video of the thread, or one search
// result's segment played from the URL the API signed for it.
import { dataString } from '../api/parse'
import type { Clip, JockeyEvent, VideoReady } from '../api/types'
import type { MediaSelection } from './conversation'
import type { Turn } from './turns'
import type { NamedVideo } from './videoNames'

/** `operationId` is set on a preview and on the video that followed one: they share one <video>, so it carries on. */
export type Media =
  | { kind: 'video'; seq: number; src: string; downloadUrl: string; fileName: string; title: string; duration?: number; operationId?: string }
  | { kind: 'preview'; seq: number; src: string; title: string; operationId: string }
  | { kind: 'clip'; seq: number; index: number; src: string; clip: Clip; start: number; end: number }

/** Same-origin media_url first: it redirects to a fresh SAS, so it still plays after the SAS expired. */
export function videoSource(video: VideoReady): string {
  return video.media_url || video.video_url || ''
}

/**
 * A clip's source: the video_url the API gave, never one built here — the API signs every URL of the
 * agent's files (`/api/jockey/files/…?exp=…&sig=…`), and an unsigned one is refused.
 */
export function clipSource(clip: Clip): string {
  return clip.video_url ?? ''
}

/**
 * The preview a `preview` event announced, while its run may still bring the video: a failed or cancelled run's
 * preview is gone from the agent, so it is nothing to play.
 */
function resolvePreview(turns: Turn[], events: JockeyEvent[], seq: number): Media | null {
  const event = events.find((e) => e.seq === seq && e.name === 'preview')
  const src = dataString(event?.data, 'playlist_url')
  const turn = turns.find((t) => t.operationId === event?.operation_id)
  if (!event || !src || !turn || turn.status === 'failed' || turn.status === 'cancelled') return null
  return { kind: 'preview', seq, src, title: turn.userText, operationId: event.operation_id }
}

/**
 * Download through the API's media route: it answers with a storage URL that saves the file (Content-Disposition:
 * attachment) under the video's name, so the page stays. A video without that route downloads from its own URL.
 */
export function downloadSource(video: VideoReady, name: string): string {
  const route = video.media_url
  return route?.startsWith('/api/media/') ? `${route}?download=true&name=${encodeURIComponent(name)}` : videoSource(video)
}

export function resolveMedia(
  turns: Turn[], selection: MediaSelection | null, events: JockeyEvent[] = [], names: readonly NamedVideo[] = [],
): Media | null {
  if (!selection) return null
  if (selection.kind === 'preview') return resolvePreview(turns, events, selection.seq)
  for (const turn of turns) {
    const previewed = events.some((e) => e.name === 'preview' && e.operation_id === turn.operationId)
    for (const item of turn.items) {
      if (item.seq !== selection.seq) continue
      if (selection.kind === 'video' && item.kind === 'video') {
        const src = videoSource(item.video)
        const named = names.find((n) => n.seq === item.seq)
        const title = named?.label ?? turn.userText
        const fileName = item.video.file_name || src.split('?')[0].split('/').pop() || 'jockey.mp4'
        const duration = item.video.duration ?? undefined
        return {
          kind: 'video', seq: item.seq, src, downloadUrl: downloadSource(item.video, named?.name ?? title), fileName, title, duration,
          operationId: previewed ? turn.operationId : undefined,
        }
      }
      if (selection.kind === 'clip' && item.kind === 'search') {
        const clip = item.clips[selection.index]
        if (!clip) return null
        return { kind: 'clip', seq: item.seq, index: selection.index, src: clipSource(clip), clip, start: clip.start, end: clip.end }
      }
    }
  }
  return null
}
