import { Film } from 'lucide-react'
import type { MediaSelection } from '../state/conversation'
import type { NamedVideo } from '../state/videoNames'

interface Props {
  videos: NamedVideo[]
  selection: MediaSelection | null
  onSelect: (seq: number) => void
}

/** Every video this conversation produced, once each, newest first; earlier versions stay one click away. */
export function ResultHistory({ videos, selection, onSelect }: Props) {
  if (videos.length < 2) return null
  const latest = videos[videos.length - 1]
  return (
    <nav className="history" aria-label="Videos in this conversation">
      <h2 className="history__title">Videos in this conversation</h2>
      <ol className="history__list">
        {[...videos].reverse().map((v) => {
          const current = selection?.kind === 'video' && selection.seq === v.seq
          return (
            <li key={`${v.operationId}-${v.seq}`}>
              <button
                type="button"
                className={`history__item${current ? ' history__item--current' : ''}`}
                aria-current={current ? 'true' : undefined}
                onClick={() => onSelect(v.seq)}
                data-testid="result-history-item"
                data-version={v.version}
              >
                <Film aria-hidden="true" size={15} />
                <span className="history__text">
                  <span className="history__prompt">{v.name}</span>
                  {v.change && <span className="history__change">{v.change}</span>}
                </span>
                <span className="history__tag">v{v.version}{v === latest ? ' · latest' : ''}</span>
              </button>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
