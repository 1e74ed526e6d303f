// Example prompts for an index, made from its videos' titles and tags so they name things the
// index really holds, and only asking for what the agent does (search, combine, fit to a length,
// summarize); fixed prompts when the server lists no videos.
import type { IndexVideo } from '../api/types'

export const fallbackPrompts = [
  'Find the most striking sunrise shots and cut them into a 20-second montage',
  'Show me every scene with people laughing and combine the best three',
  'Make a short highlight reel of the action moments',
]

export function examplePrompts(videos: IndexVideo[], max = 3): string[] {
  const titled = videos.filter((v) => v.title?.trim())
  if (titled.length === 0) return fallbackPrompts.slice(0, max)
  const tags = [...new Set(titled.flatMap((v) => v.tags ?? []).map((t) => t.trim()).filter(Boolean))]
  const prompts: string[] = []
  const [first, second] = titled
  prompts.push(second ? `Cut a 15-second highlight of “${first.title}” and “${second.title}”` : `Cut a 10-second highlight of “${first.title}”`)
  if (tags.length >= 2) prompts.push(`Show me every shot with ${tags[0]} or ${tags[1]} and combine them`)
  else if (tags.length === 1) prompts.push(`Find every shot with ${tags[0]} and combine them into one clip`)
  prompts.push(`Summarize what happens in “${(second ?? first).title}”`)
  for (const p of fallbackPrompts) if (prompts.length < max) prompts.push(p)
  return prompts.slice(0, max)
}
