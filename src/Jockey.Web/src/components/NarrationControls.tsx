import { Volume1, Volume2, VolumeX } from 'lucide-react'
import { clock } from '../format'
import type { Narration } from '../hooks/useNarration'
import './NarrationControls.css'

const words = {
  idle: 'Narration plays here while Jockey works.',
  playing: 'Narration',
  done: 'Narration',
  failed: 'Narration failed.',
} as const

/** Seconds of speech received: 16-bit PCM, one channel unless the stream said otherwise. */
const spokenSeconds = (bytes: number, sampleRate: number | null) => (sampleRate ? bytes / (sampleRate * 2) : 0)

/** Volume and mute for the spoken narration, and what it is doing now. */
export function NarrationControls({ narration }: { narration: Narration }) {
  const { status, volume, setVolume, muted, setMuted, audioState, unlock } = narration
  const Icon = muted || volume === 0 ? VolumeX : volume < 0.5 ? Volume1 : Volume2
  const blocked = status.state === 'playing' && audioState === 'suspended'
  return (
    <section className="narration" aria-label="Narration">
      <div className="narration__row">
        <button
          type="button"
          className="narration__mute"
          onClick={() => setMuted(!muted)}
          aria-pressed={muted}
          aria-label={muted ? 'Unmute narration' : 'Mute narration'}
          data-testid="narration-mute"
        >
          <Icon aria-hidden="true" size={18} />
        </button>
        <label className="visually-hidden" htmlFor="narration-volume">Narration volume</label>
        <input
          id="narration-volume"
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={volume}
          onChange={(e) => setVolume(Number(e.target.value))}
          aria-valuetext={`${Math.round(volume * 100)}%`}
          data-testid="narration-volume"
        />
        <span className="narration__percent" aria-hidden="true">{Math.round(volume * 100)}%</span>
      </div>
      <p
        className={`narration__status narration__status--${status.state}`}
        role="status"
        data-testid="narration-status"
        data-state={status.state}
        data-operation-id={status.operationId ?? ''}
        data-sample-rate={status.sampleRate ?? ''}
        data-chunks-received={status.chunksReceived}
        data-chunks-scheduled={status.chunksScheduled}
        data-late-chunks={status.lateChunks}
        data-bytes-received={status.bytesReceived}
        data-audio-state={audioState}
      >
        {status.message ?? words[status.state]}
        {(status.state === 'playing' || status.state === 'done') && status.chunksReceived > 0 && (
          <span className="narration__length" data-testid="narration-length"> · {clock(spokenSeconds(status.bytesReceived, status.sampleRate))}</span>
        )}
      </p>
      {blocked && (
        <button type="button" className="button button--small" onClick={unlock} data-testid="narration-enable">
          <Volume2 aria-hidden="true" size={14} /> Enable sound
        </button>
      )}
    </section>
  )
}
