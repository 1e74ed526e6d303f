import { CheckCircle2, CircleDot, CircleSlash, Film, ListChecks, Loader2, MessageSquareText, Search, Volume2 } from 'lucide-react'
import type { ReactNode } from 'react'
import type { Clip } from '../api/types'
import type { MediaSelection } from '../state/conversation'
import type { TimelineItem } from '../state/turns'
import { ErrorCard } from './ErrorCard'
import { ReflectText } from './ReflectText'
import { RenderProgress } from './RenderProgress'
import { SearchResults } from './SearchResults'

interface Props {
  item: TimelineItem
  /** The newest entry of a running operation: shows a spinner. */
  active: boolean
  /** The step a cancelled or failed run stopped at. */
  interrupted: boolean
  selection: MediaSelection | null
  onPlayClip: (seq: number, index: number, clip: Clip) => void
  onShowVideo: (seq: number) => void
  onRetry?: () => void
  /** A video's name ("Ocean waves + Forest stream, 10 s"), for a video entry. */
  videoName?: string
}

export function TimelineEntry({ item, active, interrupted, selection, onPlayClip, onShowVideo, onRetry, videoName }: Props) {
  switch (item.kind) {
    case 'plan':
      return (
        <Entry item={item} icon={<ListChecks size={16} />} tone="plan">
          <span className="entry__caption">{item.role === 'planner' ? 'Plan' : 'Instruction'}</span>
          <p className="entry__text entry__text--pre">{item.text}</p>
        </Entry>
      )
    case 'step':
      return (
        <Entry item={item} icon={stepIcon(active, interrupted)} tone={active ? 'active' : interrupted ? 'quiet' : 'done'}>
          <p className="entry__text">{item.text}</p>
        </Entry>
      )
    case 'search':
      return (
        <Entry item={item} icon={<Search size={16} />} tone="done">
          <SearchResults
            query={item.query}
            clips={item.clips}
            playing={selection?.kind === 'clip' && selection.seq === item.seq ? selection.index : null}
            onPlay={(index, clip) => onPlayClip(item.seq, index, clip)}
          />
        </Entry>
      )
    case 'progress':
      return (
        <Entry item={item} icon={stepIcon(active || (item.percent < 100 && !interrupted), interrupted)} tone={interrupted ? 'quiet' : item.percent < 100 ? 'active' : 'done'}>
          <RenderProgress stage={item.stage} percent={item.percent} text={item.text} />
        </Entry>
      )
    case 'video':
      return (
        <Entry item={item} icon={<Film size={16} />} tone="ok">
          <p className="entry__text">
            {item.text || 'Your video is ready'}
            {videoName && <>: <strong data-testid="video-name">{videoName}</strong></>}
          </p>
          <button type="button" className="button button--small" onClick={() => onShowVideo(item.seq)} data-testid="show-video">
            <Film aria-hidden="true" size={14} /> {selection?.kind === 'video' && selection.seq === item.seq ? 'Now in the player' : 'Watch'}
          </button>
        </Entry>
      )
    case 'text-result':
      return (
        <Entry item={item} icon={<MessageSquareText size={16} />} tone="ai">
          <p className="entry__text entry__text--pre">{item.text}</p>
        </Entry>
      )
    case 'reflect':
      return (
        <Entry item={item} icon={item.final ? <MessageSquareText size={16} /> : <Loader2 className="spin" size={16} />} tone="ai">
          <ReflectText text={item.text} streaming={!item.final && active} />
        </Entry>
      )
    case 'narration':
      return (
        <Entry item={item} icon={<Volume2 size={16} />} tone="quiet">
          <span className="entry__caption">Narration</span>
          <p className="entry__text entry__text--quote">{item.text}</p>
        </Entry>
      )
    case 'error':
      return (
        <li className="entry entry--error" data-testid="timeline-item" data-kind="error" data-seq={seqAttr(item.seq)}>
          <ErrorCard title="The run failed" message={item.reason} onRetry={onRetry} />
        </li>
      )
    case 'note':
      return (
        <Entry item={item} icon={item.tone === 'cancelled' ? <CircleSlash size={16} /> : item.tone === 'done' ? <CheckCircle2 size={16} /> : <MessageSquareText size={16} />} tone={item.tone === 'done' ? 'ok' : 'quiet'}>
          <p className="entry__text">{item.text}</p>
        </Entry>
      )
  }
}

function Entry({ item, icon, tone, children }: { item: TimelineItem; icon: ReactNode; tone: string; children: ReactNode }) {
  return (
    <li className={`entry entry--${tone}`} data-testid="timeline-item" data-kind={item.kind} data-seq={seqAttr(item.seq)}>
      <span className="entry__icon" aria-hidden="true">{icon}</span>
      <div className="entry__body">{children}</div>
    </li>
  )
}

const stepIcon = (active: boolean, interrupted: boolean) =>
  active ? <Loader2 className="spin" size={16} /> : interrupted ? <CircleDot size={16} /> : <CheckCircle2 size={16} />

/** Items synthesized from an Operation (not from an event) have no seq of their own. */
const seqAttr = (seq: number) => (seq === Number.MAX_SAFE_INTEGER ? undefined : seq)
