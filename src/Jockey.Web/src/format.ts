/** 75.4 → "1:15" */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`
}

/** Search scores arrive either as 0–1 confidence or 0–100; both read as a percentage. */
export function scoreLabel(score: number): string {
  const percent = score <= 1 ? score * 100 : score
  return `${Math.round(percent)}%`
}
