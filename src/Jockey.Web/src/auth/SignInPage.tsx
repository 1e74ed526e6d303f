import { Clapperboard } from 'lucide-react'
import { SignInForm } from './SignInForm'
import './SignIn.css'

interface Props {
  onSignIn: (key: string) => Promise<void>
}

/** The whole page before a key sign-in (Auth:Mode key). */
export function SignInPage({ onSignIn }: Props) {
  return (
    <main className="sign-in" data-testid="sign-in-page">
      <div className="sign-in__card">
        <h1 className="sign-in__title">
          <Clapperboard aria-hidden="true" size={26} /> Jockey
        </h1>
        <p>This Jockey is private. Enter the access key you were given.</p>
        <SignInForm onSignIn={onSignIn} />
      </div>
    </main>
  )
}
