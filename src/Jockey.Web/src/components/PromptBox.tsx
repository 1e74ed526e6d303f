import { ArrowUp, Loader2, Square } from 'lucide-react'
import { useEffect, useRef, type FormEvent, type KeyboardEvent, type RefObject } from 'react'
import type { IndexInfo } from '../api/types'
import { IndexSelector } from './IndexSelector'
import './PromptBox.css'

interface Props {
  value: string
  onChange: (value: string) => void
  onSubmit: () => void
  onCancel: () => void
  /** A run is active (or being sent): the prompt waits until it ends or is cancelled. */
  busy: boolean
  canCancel: boolean
  /** No thread or no server yet. */
  disabled: boolean
  maxLength: number
  indexes: IndexInfo[]
  indexId: string
  onIndexChange: (indexId: string) => void
  /** The page focuses the prompt too (after an example prompt is picked). */
  textareaRef: RefObject<HTMLTextAreaElement | null>
  /** Made from what the library holds, so it never suggests what cannot be made. */
  placeholder: string
}

/** Past this many characters Jockey reads a prompt for its key subjects; the hint says so before it is sent. */
const LongPrompt = 300

export function PromptBox(props: Props) {
  const { value, onChange, onSubmit, onCancel, busy, canCancel, disabled, maxLength } = props
  const textarea = props.textareaRef
  const cancelButton = useRef<HTMLButtonElement>(null)
  const form = useRef<HTMLFormElement>(null)
  const canSend = !busy && !disabled && value.trim().length > 0

  // Focus follows the run, but only for someone who was in the prompt (or nowhere): a reader who
  // moved on to the video keeps their place. Back to the textarea when a run ends, so a follow-up
  // is one keystroke away; onto Cancel while the disabled textarea cannot hold focus.
  const inPrompt = () => document.activeElement === document.body || !!form.current?.contains(document.activeElement)
  useEffect(() => {
    if (!busy && !disabled && inPrompt()) textarea.current?.focus()
  }, [busy, disabled, textarea])
  useEffect(() => {
    if (canCancel && inPrompt()) cancelButton.current?.focus()
  }, [canCancel])

  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    if (canSend) onSubmit()
  }
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter is a new line; IME composition (e.g. Japanese input) keeps Enter.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e)
  }

  return (
    <form ref={form} className={`prompt${busy ? ' prompt--busy' : ''}`} onSubmit={submit} aria-label="Ask Jockey" data-testid="prompt-form">
      <label htmlFor="prompt-text" className="visually-hidden">Describe the video you want</label>
      <textarea
        id="prompt-text"
        ref={textarea}
        className="prompt__text"
        data-testid="prompt-input"
        placeholder={busy ? 'Jockey is working on it… (Cancel to stop)' : props.placeholder}
        rows={2}
        value={value}
        maxLength={maxLength}
        disabled={disabled || busy}
        aria-describedby="prompt-hint"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="prompt__bar">
        <IndexSelector indexes={props.indexes} value={props.indexId} onChange={props.onIndexChange} disabled={disabled || busy} />
        <span id="prompt-hint" className="prompt__hint">
          Enter to send · Shift+Enter for a new line
          {value.length > LongPrompt && ' · A long prompt is read for its main subjects; a short list of them works best'}
          {value.length > maxLength * 0.8 && ` · ${value.length}/${maxLength}`}
        </span>
        {canCancel && (
          <button ref={cancelButton} type="button" className="button button--danger" onClick={onCancel} data-testid="cancel">
            <Square aria-hidden="true" size={14} /> Cancel
          </button>
        )}
        <button type="submit" className="button button--primary" disabled={!canSend} data-testid="submit">
          {busy ? <Loader2 className="spin" aria-hidden="true" size={16} /> : <ArrowUp aria-hidden="true" size={16} />}
          {busy ? 'Working…' : 'Send'}
        </button>
      </div>
    </form>
  )
}
