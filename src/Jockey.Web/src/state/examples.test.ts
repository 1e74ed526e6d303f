import { describe, expect, it } from 'vitest'
import { examplePrompts, fallbackPlaceholder, fallbackPrompts, placeholderFor } from './examples'

describe('examplePrompts', () => {
  it('names the index’s own titles and tags', () => {
    const prompts = examplePrompts([
      { video_id: 'a', title: 'Harbour at dawn', tags: ['boats', 'sunrise'], duration: 8 },
      { video_id: 'b', title: 'City rooftops', tags: ['skyline'], duration: 9 },
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

  it('asks for no more footage than the videos hold', () => {
    expect(examplePrompts([{ video_id: 'a', title: 'Sunrise', duration: 8 }, { video_id: 'b', title: 'Sunset', duration: 3 }])[0])
      .toBe('Cut a 10-second highlight of “Sunrise” and “Sunset”')
  })
})

describe('placeholderFor', () => {
  it('suggests a montage of what the library holds, at a length it can fill', () => {
    expect(placeholderFor([
      { video_id: 'a', title: 'Sunrise over the mountains', tags: ['sunrise'], duration: 8 },
      { video_id: 'b', title: 'Ocean waves', tags: ['ocean', 'waves'], duration: 10 },
      { video_id: 'c', title: 'Forest stream', tags: [], duration: 6 },
    ])).toBe(`${fallbackPlaceholder} — e.g. “a 15-second montage of ocean and forest stream”`)
  })

  it('names nothing the library does not hold when it is empty', () => {
    expect(placeholderFor([])).toBe(fallbackPlaceholder)
  })
})
