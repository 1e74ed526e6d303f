import { KeyRound } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import './SignIn.css'

interface Props {
  onSignIn: (key: string) => Promise<void>
  submitLabel?: string
}

/** The access-key field and its button; says why when the key is refused. */
export function SignInForm({ onSignIn, submitLabel = 'Sign in' }: Props) {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await onSignIn(key.trim())
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure))
      setBusy(false)
    }
  }

  return (
    <form className="sign-in__form" onSubmit={(event) => void submit(event)}>
      <label htmlFor="access-key">Access key</label>
      <input
        id="access-key"
        type="password"
        autoComplete="current-password"
        value={key}
        onChange={(event) => setKey(event.target.value)}
        required
        data-testid="access-key"
      />
      {error && <p className="sign-in__error" role="alert" data-testid="sign-in-error">{error}</p>}
      <button type="submit" className="button" disabled={busy || key.trim().length === 0} data-testid="sign-in">
        <KeyRound aria-hidden="true" size={16} /> {submitLabel}
      </button>
    </form>
  )
}
