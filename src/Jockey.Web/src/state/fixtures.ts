// A realistic run as the API streams it (names and data as in docs/api.md), for the reducer's tests.
import type { JockeyEvent, Operation } from '../api/types'

export function sampleRun(operationId: string, firstSeq: number, prompt = 'Make a 20-second montage of sunrises'): JockeyEvent[] {
  let seq = firstSeq
  const e = (type: JockeyEvent['type'], name: string, text: string, data: JockeyEvent['data'] = null): JockeyEvent => ({
    seq: seq++,
    operation_id: operationId,
    type,
    name,
    text,
    data,
  })
  return [
    e('human', 'user', prompt),
    e('human', 'planner', '1. Search the sample index for sunrise shots.\n2. Combine the three best into one video.'),
    e('system', 'status', 'Planning the edit…', { node: 'planner', tool: null, query: null }),
    e('system', 'status', 'Looking for “sunrise”…', { node: 'video-search', tool: 'simple-video-search', query: 'sunrise' }),
    e('system', 'search-results', 'Found 3 shots', {
      query: 'sunrise',
      clips: [
        { video_id: 'v1', title: 'Harbour at dawn', start: 3, end: 9.5, score: 0.91, thumbnail_url: '/api/jockey/files/sample/v1.jpg?exp=1&sig=tv1', video_url: '/api/jockey/files/sample/v1.mp4?exp=1&sig=v1' },
        { video_id: 'v2', title: 'Mountain sunrise', start: 12, end: 18, score: 0.84, thumbnail_url: '/api/jockey/files/sample/v2.jpg?exp=1&sig=tv2', video_url: '/api/jockey/files/sample/v2.mp4?exp=1&sig=v2' },
        { video_id: 'v3', title: 'City rooftops', start: 40, end: 47, score: 0.72, thumbnail_url: '/api/jockey/files/sample/v3.jpg?exp=1&sig=tv3', video_url: '/api/jockey/files/sample/v3.mp4?exp=1&sig=v3' },
      ],
    }),
    e('system', 'narration', 'Narration ready', { audio_url: '/api/media/narration/a.mp3', transformed_text: 'Here is a twenty second montage of sunrises.' }),
    e('human', 'instructor', 'Combine clips v1, v2 and v3 in that order.'),
    e('system', 'status', 'Cutting your 20-second video…', { node: 'video-editing', tool: 'combine-clips' }),
    e('system', 'progress', 'Cutting your video… 40%', { stage: 'render', percent: 40, message: 'Rendering sunrise-montage.mp4: 40%' }),
    e('system', 'progress', 'Video cut', { stage: 'render', percent: 100, message: 'Rendered sunrise-montage.mp4' }),
    e('system', 'video-ready', 'Your video is ready', {
      video_url: 'https://blob.example/media/out.mp4?sig=x',
      media_url: `/api/media/${operationId}/out.mp4`,
      duration: 19.5,
      file_name: 'sunrise-montage.mp4',
      tool_call: { name: 'combine-clips', args: { clips: [{ video_id: 'v1', start: 3, end: 9.5 }, { video_id: 'v2', start: 12, end: 18 }, { video_id: 'v3', start: 40, end: 47 }] } },
    }),
    e('ai', 'reflect', 'I found three sunrise shots ', { final: false }),
    e('ai', 'reflect', 'and combined them into a 20-second montage.', { final: true }),
    e('system', 'narration', 'Your twenty-second video of three clips is ready.', {
      audio_url: '/api/media/narration/result-narration.ogg', transformed_text: 'Your twenty-second video of three clips is ready.', kind: 'result',
    }),
    e('system', 'completed', 'Done', { video_url: 'https://blob.example/media/out.mp4?sig=x' }),
  ]
}

export function operation(operationId: string, threadId: string, status: Operation['status'], extra: Partial<Operation> = {}): Operation {
  return { operation_id: operationId, thread_id: threadId, status, ...extra }
}
