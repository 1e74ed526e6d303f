import { describe, expect, it } from 'vitest'
import { examplePrompts, fallbackPrompts } from './examples'

describe('examplePrompts', () => {
  it('names the index’s own titles and tags', () => {
    const prompts = examplePrompts([
      { video_id: 'a', title: 'Harbour at dawn', tags: ['boats', 'sunrise'] },
      { video_id: 'b', title: 'City rooftops', tags: ['skyline'] },
    ])
    expect(prompts).toEqual([
      'Cut a 15-second highlight of “Harbour at dawn” and “City rooftops”',
      'Show me every shot with boats or sunrise and combine them',
      'Summarize what happens in “City rooftops”',
    ])
  })

  it('asks a one-video index for what one video can give', () => {
    expect(examplePrompts([{ video_id: 'a', title: 'Harbour at dawn', tags: [] }])).toEqual([
      'Cut a 10-second highlight of “Harbour at dawn”',
      'Summarize what happens in “Harbour at dawn”',
      fallbackPrompts[0],
    ])
  })

  it('falls back to general prompts when the index lists no videos', () => {
    expect(examplePrompts([])).toEqual(fallbackPrompts)
  })
})
