import { describe, expect, it } from 'vitest'
import { examplePrompts, fallbackPrompts } from './examples'

describe('examplePrompts', () => {
  it('names the index’s own titles and tags', () => {
    const prompts = examplePrompts([
      { video_id: 'a', title: 'Harbour at dawn', tags: ['boats', 'sunrise'] },
      { video_id: 'b', title: 'City rooftops', tags: ['skyline'] },
    ])
    expect(prompts).toEqual([
      'Find the best moments of “Harbour at dawn” and cut a 15-second highlight',
      'Show me every shot with boats or sunrise and combine them',
      'Combine the opening of “Harbour at dawn” with the ending of “City rooftops”',
    ])
  })

  it('falls back to general prompts when the index lists no videos', () => {
    expect(examplePrompts([])).toEqual(fallbackPrompts)
  })
})
