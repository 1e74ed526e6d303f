// What a person reads of a turn: one plain line per step, one ending; and, behind a disclosure, the details a curious
// reader wants (the plan, the queries, tools and file names).
import { clock } from '../format'
import type { TimelineItem, Turn } from './turns'

/** The lines shown for a turn, in order. */
export function shownItems(turn: Turn): TimelineItem[] {
  const last = turn.items[turn.items.length - 1]
  const answered = turn.items.some((i) => i.kind === 'video' || i.kind === 'text-result' || i.kind === 'reflect')
  return turn.items.filter((item) => {
    switch (item.kind) {
      case 'plan':
        return false
      case 'step':
        // A hand-over names no tool: it says what is going on only while nothing newer does.
        return !!item.tool || (item === last && turn.status === 'processing')
      case 'progress':
        // A cancelled run's bar would stay at its last percent; "Stopped" says it all.
        return turn.status !== 'cancelled'
      case 'note':
        // One ending: the video or the answer ends the turn; "Done" only when nothing else did.
        // The preview says the video plays while it is cut: once the video is there, it has said its piece.
        return !((item.tone === 'done' || item.tone === 'preview') && answered)
      case 'narration':
        // The spoken result is heard; written out it would end the turn a second time.
        return item.spoken === 'request'
      default:
        return true
    }
  })
}

/** The technical side of a turn, one line each, for the "Details" disclosure. */
export function turnDetails(turn: Turn): string[] {
  return turn.items.flatMap((item): string[] => {
    switch (item.kind) {
      case 'plan':
        return [`${item.role === 'planner' ? 'Plan' : 'Instruction'}: ${item.text}`]
      case 'step': {
        const fields = [item.node, item.tool, item.query && `query “${item.query}”`].filter(Boolean)
        return fields.length > 0 ? [`${item.text} (${fields.join(' · ')})`] : [item.text]
      }
      case 'search':
        return [`Search “${item.query}”: ${item.clips.length} result${item.clips.length === 1 ? '' : 's'}`]
      case 'progress':
        return item.detail ? [item.detail] : []
      case 'narration':
        return item.spoken === 'result' ? [`Jockey said: ${item.text}`] : []
      case 'video': {
        const file = item.video.file_name ? [`File: ${item.video.file_name}`] : []
        const tool = item.video.tool ? [`Made with ${item.video.tool}`] : []
        const length = item.video.duration ? [`Length: ${clock(item.video.duration)} (${item.video.duration.toFixed(1)} s)`] : []
        return [...file, ...tool, ...length]
      }
      default:
        return []
    }
  })
}
