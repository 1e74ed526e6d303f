// Names a person recognises for the videos of a conversation: what is in them ("Ocean waves + Forest stream, 10 s"),
// a version number, and what each edit changed, by clip name ("without City traffic at night").
import type { IndexVideo, VideoReady } from '../api/types'
import type { Turn } from './turns'

export interface NamedVideo {
  seq: number
  operationId: string
  video: VideoReady
  /** 1 for the conversation's first video. */
  version: number
  /** What is in it: "Ocean waves + Forest stream". */
  label: string
  /** The label and its length: "Ocean waves + Forest stream, 10 s". */
  name: string
  /** What this version changed from the one before, in words; null for the first or when nothing can be said. */
  change: string | null
}

const MaxTitles = 3

export function namedVideos(turns: Turn[], library: readonly IndexVideo[] = []): NamedVideo[] {
  const titles = new Map<string, string>(library.map((v) => [v.video_id, v.title]))
  for (const turn of turns)
    for (const item of turn.items) if (item.kind === 'search') for (const c of item.clips) titles.set(c.video_id, c.title)
  const titleOf = (id: string) => titles.get(id) ?? id

  const named: NamedVideo[] = []
  for (const turn of turns) {
    for (const item of turn.items) {
      if (item.kind !== 'video') continue
      const previous = named[named.length - 1]
      const inside = distinctTitles(item.video, titleOf)
      const label = inside.length > 0 ? list(inside) : turn.userText || `Video ${named.length + 1}`
      const name = inside.length > 0 ? `${label}, ${secondsOf(item.video)} s` : label
      named.push({
        seq: item.seq,
        operationId: turn.operationId,
        video: item.video,
        version: named.length + 1,
        label,
        name,
        change: previous ? changeFrom(previous.video, item.video, titleOf) : null,
      })
    }
  }
  return named
}

/** Whole seconds, as the browser's own player counts them (it drops the fraction). */
export function secondsOf(video: VideoReady): number {
  const sum = (video.clips ?? []).reduce((s, c) => s + Math.max(0, c.end - c.start), 0)
  return Math.floor(video.duration ?? sum)
}

function distinctTitles(video: VideoReady, titleOf: (id: string) => string): string[] {
  return [...new Set((video.clips ?? []).map((c) => titleOf(c.video_id)))]
}

function list(titles: string[]): string {
  return titles.length > MaxTitles ? `${titles.slice(0, MaxTitles).join(' + ')} + ${titles.length - MaxTitles} more` : titles.join(' + ')
}

function changeFrom(before: VideoReady, after: VideoReady, titleOf: (id: string) => string): string | null {
  const was = distinctTitles(before, titleOf)
  const now = distinctTitles(after, titleOf)
  if (was.length === 0 || now.length === 0) return null
  const removed = was.filter((t) => !now.includes(t))
  const added = now.filter((t) => !was.includes(t))
  const parts = [
    ...(removed.length > 0 ? [`without ${and(removed)}`] : []),
    ...(added.length > 0 ? [`with ${and(added)} added`] : []),
  ]
  if (parts.length > 0) return parts.join(', ')
  const [a, b] = [secondsOf(before), secondsOf(after)]
  return b < a ? 'a shorter cut' : b > a ? 'a longer cut' : null
}

const and = (parts: string[]) => (parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`)
