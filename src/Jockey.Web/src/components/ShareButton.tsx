import { Check, Share2 } from 'lucide-react'
import { useEffect, useState } from 'react'
import './ShareButton.css'

/**
 * Copies this conversation's link. It is the thread link itself, so whoever opens it watches the run live with
 * narration and can take part (docs/api.md, "Watching together"); where the clipboard is not allowed the link
 * is shown to copy by hand.
 */
export function ShareButton({ url }: { url: string | null }) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle')
  useEffect(() => setState('idle'), [url])
  useEffect(() => {
    if (state !== 'copied') return
    const timer = setTimeout(() => setState('idle'), 2500)
    return () => clearTimeout(timer)
  }, [state])
  if (!url) return null

  const share = () =>
    navigator.clipboard?.writeText(url).then(() => setState('copied'), () => setState('manual')) ?? setState('manual')

  return (
    <>
      <button type="button" className="button button--small" onClick={() => void share()} data-testid="share" data-state={state}
        title="Copy a link to this conversation: whoever opens it watches it live and can send requests too">
        {state === 'copied' ? <Check aria-hidden="true" size={15} /> : <Share2 aria-hidden="true" size={15} />}
        {state === 'copied' ? ' Link copied' : ' Share'}
      </button>
      {state === 'manual' && (
        <input className="share__link" readOnly value={url} aria-label="Link to this conversation" data-testid="share-link"
          onFocus={(e) => e.currentTarget.select()} autoFocus />
      )}
    </>
  )
}
