import { Film } from 'lucide-react'
import type { VideoReady } from '../api/types'
import type { MediaSelection } from '../state/conversation'

interface Props {
  videos: { seq: number; video: VideoReady; prompt: string }[]
  selection: MediaSelection | null
  onSelect: (seq: number) => void
}

/** Every video this conversation produced; earlier cuts stay one click away. */
export function ResultHistory({ videos, selection, onSelect }: Props) {
  if (videos.length < 2) return null
  return (
    <nav className="history" aria-label="Videos in this conversation">
      <h2 className="history__title">Videos in this conversation</h2>
      <ol className="history__list">
        {[...videos].reverse().map((v, i) => {
          const current = selection?.kind === 'video' && selection.seq === v.seq
          return (
            <li key={v.seq}>
              <button
                type="button"
                className={`history__item${current ? ' history__item--current' : ''}`}
                aria-current={current ? 'true' : undefined}
                onClick={() => onSelect(v.seq)}
                data-testid="result-history-item"
              >
                <Film aria-hidden="true" size={15} />
                <span className="history__prompt">{v.prompt || v.video.file_name || 'Video'}</span>
                <span className="history__tag">{i === 0 ? 'latest' : `#${videos.length - i}`}</span>
              </button>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
