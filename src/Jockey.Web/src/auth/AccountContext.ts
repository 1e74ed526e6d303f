import { createContext, useContext } from 'react'
import type { SessionInfo } from '../api/auth'

export interface Account {
  session: SessionInfo
  signOut: () => void
}

/** The signed-in user, for the top bar; null without sign-in (Auth:Mode none). */
export const AccountContext = createContext<Account | null>(null)

export const useAccount = () => useContext(AccountContext)
