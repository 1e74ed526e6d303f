import type { Clip } from './api/types'

/** 75.4 → "1:15" */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

export type Match = 'high' | 'medium' | 'low'

export const matchWords: Record<Match, string> = { high: 'Strong match', medium: 'Good match', low: 'Weak match' }

/**
 * How well a search result matches. The agent's own `confidence` when it sends one (Twelve Labs and the local
 * agent both do); otherwise the score against the best of the same result set, with the local agent's cut-offs.
 * Raw scores have no fixed scale (the local agent's BM25 gives 4–7), so a score alone is never shown as a percentage.
 * Null when there is nothing to judge by.
 */
export function matchOf(clip: Clip, clips: readonly Clip[]): Match | null {
  const given = clip.confidence?.trim().toLowerCase()
  if (given === 'high' || given === 'medium' || given === 'low') return given
  const best = Math.max(...clips.map((c) => c.score))
  if (!(best > 0) || !(clip.score >= 0)) return null
  const ratio = clip.score / best
  return ratio >= 0.7 ? 'high' : ratio >= 0.4 ? 'medium' : 'low'
}

// Pictographs and what joins or modifies them (ZWJ, variation selector, skin tones, keycaps, flags).
const leadingEmoji = /^(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{FE0F}\u{200D}\u{20E3}]\s*)+/u

/**
 * "🎥 Your video is ready!" → "Your video is ready!". The timeline shows its own icon for each kind of entry, and
 * a browser without an emoji font (Debian's Chromium out of the box) would draw the pictograph as an empty box.
 */
export function withoutLeadingEmoji(text: string): string {
  const stripped = text.replace(leadingEmoji, '')
  return stripped.length > 0 ? stripped : text
}
