// Example prompts for an index, made from its videos' titles and tags so they name things the
// index really holds; fixed prompts when the server lists no videos.
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
  const first = titled[0]
  prompts.push(`Find the best moments of “${first.title}” and cut a 15-second highlight`)
  if (tags.length >= 2) prompts.push(`Show me every shot with ${tags[0]} or ${tags[1]} and combine them`)
  else if (tags.length === 1) prompts.push(`Find every shot with ${tags[0]} and combine them into one clip`)
  if (titled.length > 1) prompts.push(`Combine the opening of “${titled[0].title}” with the ending of “${titled[1].title}”`)
  else prompts.push(`Summarize “${first.title}” in a short clip`)
  for (const p of fallbackPrompts) if (prompts.length < max) prompts.push(p)
  return prompts.slice(0, max)
}
