import { Sparkles } from 'lucide-react'
import './ExamplePrompts.css'

/** A welcome with prompts to start from; picking one fills the prompt box for editing. */
export function ExamplePrompts({ prompts, indexId, onPick }: { prompts: string[]; indexId: string; onPick: (text: string) => void }) {
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title" className="welcome__title">What should Jockey cut for you?</h1>
      <p className="welcome__lead">
        Describe a video in plain words. Jockey plans the edit, searches {indexId ? <>the <strong>{indexId}</strong> index</> : 'your video library'}, cuts the
        clips together and narrates as it goes.
      </p>
      {prompts.length > 0 && (
        <ul className="welcome__examples" aria-label="Example prompts">
          {prompts.map((p) => (
            <li key={p}>
              <button type="button" className="welcome__example" onClick={() => onPick(p)} data-testid="example-prompt">
                <Sparkles aria-hidden="true" size={15} /> {p}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
