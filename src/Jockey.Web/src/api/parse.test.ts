import { describe, expect, it } from 'vitest'
import { clipsOf, parseEvent, parseNarrationFrame, parseOperation, parseSseMessage, videoReadyOf } from './parse'

describe('parseEvent (SignalR update)', () => {
  it('accepts a contract event and keeps its data', () => {
    const raw = { seq: 7, operation_id: 'op-1', text: 'Searching…', type: 'system', name: 'status', data: { query: 'sunrise' } }
    expect(parseEvent(raw)).toEqual(raw)
  })

  it('fills the optional fields', () => {
    expect(parseEvent({ seq: 1, operation_id: 'op', type: 'human' })).toEqual({ seq: 1, operation_id: 'op', text: '', type: 'human', name: null, data: null })
  })

  it('accepts a JSON string and a numeric string seq', () => {
    expect(parseEvent('{"seq":"12","operation_id":"op","type":"ai","text":"x"}')?.seq).toBe(12)
  })

  it.each([
    ['no seq', { operation_id: 'op', type: 'system' }],
    ['fractional seq', { seq: 1.5, operation_id: 'op', type: 'system' }],
    ['no operation', { seq: 1, type: 'system' }],
    ['unknown type', { seq: 1, operation_id: 'op', type: 'tool' }],
    ['not an object', [1, 2]],
    ['not JSON', '{seq:'],
  ])('rejects an event with %s', (_, raw) => {
    expect(parseEvent(raw)).toBeNull()
  })
})

describe('parseSseMessage (GET /api/stream)', () => {
  it('reads the event from data', () => {
    const event = parseSseMessage({ data: '{"seq":3,"operation_id":"op","type":"system","name":"cancelled","text":"Cancelled"}', lastEventId: '3' })
    expect(event).toMatchObject({ seq: 3, name: 'cancelled' })
  })

  it('takes the seq from the id line when the body has none', () => {
    expect(parseSseMessage({ data: '{"operation_id":"op","type":"system"}', lastEventId: '41' })?.seq).toBe(41)
  })

  it('rejects a ping or garbage payload', () => {
    expect(parseSseMessage({ data: '' })).toBeNull()
    expect(parseSseMessage({ data: 'No thread_id provided' })).toBeNull()
  })
})

describe('parseOperation', () => {
  it('accepts an operation with a known status', () => {
    expect(parseOperation({ operation_id: 'op', thread_id: 't', status: 'completed', video_url: 'x' })?.video_url).toBe('x')
  })

  it('accepts the answer of cancel and GET /api/operations/{id}, which name no thread', () => {
    expect(parseOperation({ operation_id: 'op', status: 'cancelled' })?.status).toBe('cancelled')
  })

  it('rejects an unknown status', () => {
    expect(parseOperation({ operation_id: 'op', thread_id: 't', status: 'running' })).toBeNull()
  })
})

describe('parseNarrationFrame (WebSocket /api/ws/audio)', () => {
  it('reads the started frame with its format', () => {
    const frame = parseNarrationFrame('{"type":"status","state":"started","operation_id":"op","format":{"codec":"pcm_s16le","sample_rate":22050,"channels":1}}')
    expect(frame).toEqual({ type: 'status', state: 'started', operation_id: 'op', kind: 'request', format: { codec: 'pcm_s16le', sample_rate: 22050, channels: 1 } })
  })

  it('tells the result narration from the request one', () => {
    const started = parseNarrationFrame('{"type":"status","state":"started","operation_id":"op","kind":"result","format":{"sample_rate":22050,"channels":1}}')
    const completed = parseNarrationFrame('{"type":"status","state":"completed","operation_id":"op","kind":"result","chunk_count":3}')
    expect(started).toMatchObject({ state: 'started', kind: 'result' })
    expect(completed).toMatchObject({ state: 'completed', kind: 'result' })
    expect(parseNarrationFrame('{"type":"status","state":"started","operation_id":"op","kind":"other","format":{"sample_rate":22050}}'))
      .toMatchObject({ kind: 'request' })
  })

  it('rejects a started frame without a usable sample rate', () => {
    expect(parseNarrationFrame('{"type":"status","state":"started","operation_id":"op","format":{"sample_rate":0}}')).toBeNull()
  })

  it('reads completed, connected, error and pong frames', () => {
    expect(parseNarrationFrame('{"type":"status","state":"connected"}')).toEqual({ type: 'status', state: 'connected' })
    expect(parseNarrationFrame('{"type":"status","state":"completed","operation_id":"op","chunk_count":12,"total_bytes":4096,"audio_url":"/a.mp3"}'))
      .toEqual({ type: 'status', state: 'completed', operation_id: 'op', kind: 'request', chunk_count: 12, total_bytes: 4096, audio_url: '/a.mp3' })
    expect(parseNarrationFrame('{"type":"error","code":"tts_missing","message":"Install espeak-ng."}'))
      .toMatchObject({ type: 'error', code: 'tts_missing', message: 'Install espeak-ng.' })
    expect(parseNarrationFrame('{"type":"pong"}')).toEqual({ type: 'status', state: 'pong' })
  })

  it('ignores frames it does not know', () => {
    expect(parseNarrationFrame('{"type":"status","state":"warming"}')).toBeNull()
    expect(parseNarrationFrame('not json')).toBeNull()
  })
})

describe('event data', () => {
  it('reads search clips, accepting the agent’s video_title and dropping clips without times', () => {
    const clips = clipsOf({
      query: 'q',
      clips: [
        { video_id: 'v1', video_title: 'Dawn', start: 1, end: 2, score: 0.5 },
        { video_id: 'v2', title: 'Dusk', start: '3', end: '4.5', score: 80, confidence: 'high', thumbnail_url: '/api/t.jpg', video_url: '/api/jockey/files/sample/v2.mp4' },
        { video_id: 'v3', title: 'No times' },
      ],
    })
    expect(clips.map((c) => [c.title, c.start, c.end, c.score, c.confidence])).toEqual([['Dawn', 1, 2, 0.5, null], ['Dusk', 3, 4.5, 80, 'high']])
    expect(clips.map((c) => c.video_url)).toEqual([null, '/api/jockey/files/sample/v2.mp4'])
  })

  it('needs a url for a video-ready', () => {
    expect(videoReadyOf({ media_url: '/api/media/x.mp4', duration: 12 })).toMatchObject({ media_url: '/api/media/x.mp4', duration: 12 })
    expect(videoReadyOf({ duration: 12 })).toBeNull()
  })
})
