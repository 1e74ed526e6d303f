import { Play } from 'lucide-react'
import { useState } from 'react'
import type { Clip } from '../api/types'
import { clock, matchOf, matchWords, type Match } from '../format'
import './SearchResults.css'

interface Props {
  query: string
  clips: Clip[]
  /** Index of the clip now in the player, if it is one of these. */
  playing: number | null
  onPlay: (index: number, clip: Clip) => void
}

/** The agent's search: how much it found, and a grid of the segments. Click one to play it; the query is in the turn's details. */
export function SearchResults({ query, clips, playing, onPlay }: Props) {
  return (
    <div className="search" data-testid="search-results">
      <p className="entry__text" data-query={query}>
        {clips.length === 0 ? 'Found nothing that matches' : `Found ${clips.length} ${clips.length === 1 ? 'shot' : 'shots'}`}
      </p>
      {clips.length > 0 && (
        <ul className="search__grid">
          {clips.map((clip, i) => (
            <li key={`${clip.video_id}-${clip.start}-${i}`}>
              <ClipCard clip={clip} match={matchOf(clip, clips)} playing={playing === i} onPlay={() => onPlay(i, clip)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function ClipCard({ clip, match, playing, onPlay }: { clip: Clip; match: Match | null; playing: boolean; onPlay: () => void }) {
  const [broken, setBroken] = useState(false)
  const range = `${clock(clip.start)}–${clock(clip.end)}`
  return (
    <button
      type="button"
      className={`clip${playing ? ' clip--playing' : ''}`}
      onClick={onPlay}
      aria-pressed={playing}
      aria-label={`Play “${clip.title}” from ${clock(clip.start)} to ${clock(clip.end)}${match ? `, ${matchWords[match].toLowerCase()}` : ''}`}
      data-testid="search-result"
      data-video-id={clip.video_id}
      data-start={clip.start}
      data-end={clip.end}
      data-match={match ?? undefined}
    >
      <span className="clip__thumb">
        {clip.thumbnail_url && !broken ? (
          <img src={clip.thumbnail_url} alt="" loading="lazy" onError={() => setBroken(true)} />
        ) : (
          <span className="clip__placeholder" aria-hidden="true">{clip.title.slice(0, 1)}</span>
        )}
        <span className="clip__play" aria-hidden="true"><Play size={18} /></span>
        <span className="clip__range">{range}</span>
      </span>
      <span className="clip__meta">
        <span className="clip__title">{clip.title}</span>
        {match && <span className={`clip__match clip__match--${match}`}>{matchWords[match]}</span>}
      </span>
    </button>
  )
}
