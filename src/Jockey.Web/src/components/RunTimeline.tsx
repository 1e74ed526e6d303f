import { ChevronRight, Loader2 } from 'lucide-react'
import { Fragment, type ReactNode } from 'react'
import type { Clip } from '../api/types'
import type { MediaSelection, PendingPrompt } from '../state/conversation'
import { shownItems, turnDetails } from '../state/plainTimeline'
import type { TimelineItem, Turn } from '../state/turns'
import type { NamedVideo } from '../state/videoNames'
import { useFollow } from '../hooks/useFollow'
import { ErrorCard } from './ErrorCard'
import { TimelineEntry } from './TimelineEntry'
import './RunTimeline.css'

interface Props {
  turns: Turn[]
  pending: PendingPrompt | null
  selection: MediaSelection | null
  videos: readonly NamedVideo[]
  onRetry: (text: string, indexId?: string) => void
  onDismissPending: () => void
  onPlayClip: (seq: number, index: number, clip: Clip) => void
  onShowVideo: (seq: number) => void
  canRetry: boolean
  /** What goes right under an entry: the player, on a phone, under the video or search result it plays. */
  renderAfter?: (item: TimelineItem) => ReactNode
}

/** The conversation as it happens: each prompt and, under it, what the agent did about it, in plain words. */
export function RunTimeline({ turns, pending, selection, videos, onRetry, onDismissPending, onPlayClip, onShowVideo, canRetry, renderAfter }: Props) {
  const follow = useFollow<HTMLOListElement>()

  if (turns.length === 0 && !pending) return null
  const lastTurn = turns[turns.length - 1]

  return (
    <section className="timeline" aria-label="Run timeline">
      <ol ref={follow.ref} className="timeline__turns" role="log" aria-live="polite" aria-relevant="additions" data-testid="timeline">
        {turns.map((turn) => {
          const items = shownItems(turn)
          const details = turnDetails(turn)
          return (
            <li key={turn.operationId} className={`turn turn--${turn.status}`} data-operation-id={turn.operationId} data-status={turn.status}>
              <UserMessage text={turn.userText} seq={turn.firstSeq} />
              <ol className="turn__steps">
                {items.map((item, i) => (
                  <Fragment key={`${item.kind}-${item.seq}`}>
                    <TimelineEntry
                      item={item}
                      active={turn.status === 'processing' && i === items.length - 1}
                      interrupted={item === interruptedItem(turn, items)}
                      selection={selection}
                      onPlayClip={(...clip) => {
                        follow.stop()
                        onPlayClip(...clip)
                      }}
                      onShowVideo={onShowVideo}
                      onRetry={canRetry && turn === lastTurn ? () => onRetry(turn.userText, turn.indexId) : undefined}
                      videoName={item.kind === 'video' ? videos.find((v) => v.seq === item.seq)?.name : undefined}
                    />
                    {renderAfter?.(item)}
                  </Fragment>
                ))}
                {turn.status === 'processing' && !endsWithActiveStep(items) && (
                  <li className="entry entry--working" data-testid="working">
                    <Loader2 className="spin" aria-hidden="true" size={16} /> Jockey is thinking…
                  </li>
                )}
                {details.length > 0 && (
                  <li className="turn__details">
                    <details data-testid="turn-details">
                      <summary><ChevronRight aria-hidden="true" size={14} className="turn__details-chevron" /> Details</summary>
                      <ul>
                        {details.map((line, i) => <li key={i}>{line}</li>)}
                      </ul>
                    </details>
                  </li>
                )}
              </ol>
            </li>
          )
        })}
        {pending && (
          <li className="turn turn--pending" data-testid="pending-prompt" data-status={pending.status}>
            <UserMessage text={pending.text} />
            <ol className="turn__steps">
              {pending.status === 'sending' ? (
                <li className="entry entry--working">
                  <Loader2 className="spin" aria-hidden="true" size={16} /> Sending…
                </li>
              ) : (
                <li className="entry">
                  <ErrorCard title="Your prompt was not sent" message={pending.error ?? 'The request failed.'} onRetry={() => onRetry(pending.text, pending.indexId)}>
                    <button type="button" className="button button--small" onClick={onDismissPending}>Dismiss</button>
                  </ErrorCard>
                </li>
              )}
            </ol>
          </li>
        )}
      </ol>
    </section>
  )
}

function UserMessage({ text, seq }: { text: string; seq?: number }) {
  const known = seq !== undefined && seq !== Number.MAX_SAFE_INTEGER
  return (
    <div className="turn__user" data-testid="timeline-item" data-kind="user" data-seq={known ? seq : undefined}>
      <span className="visually-hidden">You: </span>
      {text || <em>(prompt not available)</em>}
    </div>
  )
}

/** The step a failed run stopped at: it did not finish, so it shows no tick. */
const interruptedItem = (turn: Turn, items: TimelineItem[]) =>
  turn.status === 'cancelled' || turn.status === 'failed' ? items.findLast((i) => i.kind === 'step' || i.kind === 'progress') : undefined

const endsWithActiveStep = (items: TimelineItem[]) => {
  const last = items[items.length - 1]
  return last?.kind === 'step' || last?.kind === 'progress' || last?.kind === 'reflect'
}
