// Example prompts and the prompt's placeholder for an index, made from its videos' titles, tags and lengths, so they
// name things the index really holds and ask for no more footage than it has; only asking for what the agent does
// (search, combine, fit to a length, summarize). Fixed prompts when the server lists no videos.
import type { IndexVideo } from '../api/types'

export const fallbackPrompts = [
  'Find the most striking shots and cut them into a short montage',
  'Show me every scene with people laughing and combine the best three',
  'Make a short highlight reel of the action moments',
]

export const fallbackPlaceholder = 'Describe the video you want'

export function examplePrompts(videos: IndexVideo[], max = 3): string[] {
  const titled = videos.filter((v) => v.title?.trim())
  if (titled.length === 0) return fallbackPrompts.slice(0, max)
  const tags = [...new Set(titled.flatMap((v) => v.tags ?? []).map((t) => t.trim()).filter(Boolean))]
  const prompts: string[] = []
  const [first, second] = titled
  prompts.push(second
    ? `Cut a ${lengthFor([first, second])}-second highlight of “${first.title}” and “${second.title}”`
    : `Cut a ${lengthFor([first])}-second highlight of “${first.title}”`)
  if (tags.length >= 2) prompts.push(`Show me every shot with ${tags[0]} or ${tags[1]} and combine them`)
  else if (tags.length === 1) prompts.push(`Find every shot with ${tags[0]} and combine them into one clip`)
  prompts.push(`Summarize what happens in “${(second ?? first).title}”`)
  for (const p of fallbackPrompts) if (prompts.length < max) prompts.push(p)
  return prompts.slice(0, max)
}

/** "Describe the video you want — e.g. “a 10-second montage of ocean and forest”", from the library's own words. */
export function placeholderFor(videos: IndexVideo[]): string {
  const withTags = videos.filter((v) => v.title?.trim())
  if (withTags.length === 0) return fallbackPlaceholder
  const picks = withTags.slice(-2)
  const words = picks.map((v) => v.tags?.find((t) => t.trim()) ?? v.title.toLowerCase())
  const subject = words.length === 2 && words[0] !== words[1] ? `${words[0]} and ${words[1]}` : words[0]
  return `${fallbackPlaceholder} — e.g. “a ${lengthFor(picks)}-second montage of ${subject}”`
}

/** A round length the videos can fill: their total, down to a multiple of 5 (at least 5 s); 10 s when unknown. */
function lengthFor(videos: IndexVideo[]): number {
  const total = videos.reduce((s, v) => s + (v.duration ?? 0), 0)
  if (total <= 0) return 10
  return Math.max(5, Math.min(30, Math.floor(total / 5) * 5))
}
