import { Loader2 } from 'lucide-react'
import { useEffect, useRef } from 'react'
import type { Clip } from '../api/types'
import type { MediaSelection, PendingPrompt } from '../state/conversation'
import type { Turn } from '../state/turns'
import { ErrorCard } from './ErrorCard'
import { TimelineEntry } from './TimelineEntry'
import './RunTimeline.css'

interface Props {
  turns: Turn[]
  pending: PendingPrompt | null
  selection: MediaSelection | null
  onRetry: (text: string, indexId?: string) => void
  onDismissPending: () => void
  onPlayClip: (seq: number, index: number, clip: Clip) => void
  onShowVideo: (seq: number) => void
  canRetry: boolean
}

/** The conversation as it happens: each prompt and, under it, what the agent did about it. */
export function RunTimeline({ turns, pending, selection, onRetry, onDismissPending, onPlayClip, onShowVideo, canRetry }: Props) {
  const end = useRef<HTMLDivElement>(null)
  const count = turns.reduce((n, t) => n + t.items.length + 1, pending ? 1 : 0)

  // Follow the run while the reader is at the bottom; leave them alone if they scrolled up to read.
  useEffect(() => {
    if (end.current && isNearBottom(end.current)) end.current.scrollIntoView({ block: 'end' })
  }, [count])

  if (turns.length === 0 && !pending) return null
  const lastTurn = turns[turns.length - 1]

  return (
    <section className="timeline" aria-label="Run timeline">
      <ol className="timeline__turns" role="log" aria-live="polite" aria-relevant="additions" data-testid="timeline">
        {turns.map((turn) => (
          <li key={turn.operationId} className={`turn turn--${turn.status}`} data-operation-id={turn.operationId} data-status={turn.status}>
            <UserMessage text={turn.userText} seq={turn.firstSeq} />
            <ol className="turn__steps">
              {turn.items.map((item, i) => (
                <TimelineEntry
                  key={`${item.kind}-${item.seq}`}
                  item={item}
                  active={turn.status === 'processing' && i === turn.items.length - 1}
                  interrupted={i === interruptedAt(turn)}
                  selection={selection}
                  onPlayClip={onPlayClip}
                  onShowVideo={onShowVideo}
                  onRetry={canRetry && turn === lastTurn ? () => onRetry(turn.userText, turn.indexId) : undefined}
                />
              ))}
              {turn.status === 'processing' && !endsWithActiveStep(turn) && (
                <li className="entry entry--working" data-testid="working">
                  <Loader2 className="spin" aria-hidden="true" size={16} /> Jockey is thinking…
                </li>
              )}
            </ol>
          </li>
        ))}
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
      <div ref={end} />
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

/** Near the bottom of whatever scrolls the timeline: its own pane on wide screens, the page on phones. */
function isNearBottom(element: HTMLElement) {
  const pane = element.closest<HTMLElement>('[data-scroll-container]')
  if (pane && pane.scrollHeight > pane.clientHeight) return pane.scrollHeight - pane.scrollTop - pane.clientHeight < 240
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 240
}

/** The step a cancelled or failed run stopped at: it did not finish, so it shows no tick. */
const interruptedAt = (turn: Turn) =>
  turn.status === 'cancelled' || turn.status === 'failed'
    ? turn.items.findLastIndex((i) => i.kind === 'step' || i.kind === 'progress')
    : -1

const endsWithActiveStep = (turn: Turn) => {
  const last = turn.items[turn.items.length - 1]
  return last?.kind === 'step' || last?.kind === 'progress' || last?.kind === 'plan' || last?.kind === 'reflect'
}
