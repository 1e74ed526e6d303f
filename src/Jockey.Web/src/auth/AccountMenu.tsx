import { LogOut, UserRound } from 'lucide-react'
import { useAccount } from './AccountContext'
import './SignIn.css'

/** The signed-in user's name and a sign-out, in the top bar; nothing without sign-in. */
export function AccountMenu() {
  const account = useAccount()
  if (!account?.session.user) return null
  return (
    <div className="account" data-testid="account">
      <UserRound aria-hidden="true" size={16} />
      <span className="account__name" data-testid="account-name">{account.session.user.name}</span>
      <button type="button" className="button button--small" onClick={account.signOut} data-testid="sign-out">
        <LogOut aria-hidden="true" size={14} /> Sign out
      </button>
    </div>
  )
}
