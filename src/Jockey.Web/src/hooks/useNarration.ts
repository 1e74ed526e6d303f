// Narration over WebSocket /api/ws/audio/{thread_id}: JSON status frames and binary PCM chunks,
// played as they arrive; after a reconnect, audio heard before is skipped (ReplayFilter).
import { useCallback, useEffect, useRef, useState } from 'react'
import { parseNarrationFrame } from '../api/parse'
import type { NarrationKind } from '../api/types'
import { NarrationPlayer } from '../audio/player'
import { ReplayFilter } from '../audio/replay'
import { useChannel } from './useChannel'

export interface NarrationStatus {
  state: 'idle' | 'playing' | 'done' | 'failed'
  operationId: string | null
  /** The operation's acknowledgement ('request') or its result, which follows it. */
  kind: NarrationKind | null
  sampleRate: number | null
  chunksReceived: number
  chunksScheduled: number
  lateChunks: number
  bytesReceived: number
  message: string | null
}

const initialStatus: NarrationStatus = {
  state: 'idle',
  operationId: null,
  kind: null,
  sampleRate: null,
  chunksReceived: 0,
  chunksScheduled: 0,
  lateChunks: 0,
  bytesReceived: 0,
  message: null,
}

const stored = (key: string, fallback: number) => {
  const value = Number(localStorage.getItem(key))
  return localStorage.getItem(key) !== null && Number.isFinite(value) ? value : fallback
}

export function useNarration(threadId: string | null, enabled: boolean) {
  const [status, setStatus] = useState<NarrationStatus>(initialStatus)
  const [volume, setVolume] = useState(() => stored('jockey.volume', 0.9))
  const [muted, setMuted] = useState(() => localStorage.getItem('jockey.muted') === 'true')
  const [audioState, setAudioState] = useState<string>('suspended')
  const playerRef = useRef<NarrationPlayer | null>(null)
  const socketRef = useRef<WebSocket | null>(null)
  playerRef.current ??= new NarrationPlayer()

  useEffect(() => {
    localStorage.setItem('jockey.volume', String(volume))
    localStorage.setItem('jockey.muted', String(muted))
    playerRef.current?.setLevel(muted ? 0 : volume)
  }, [volume, muted])

  useEffect(() => () => playerRef.current?.close(), [])

  // Per thread: counters and replay bookkeeping start again (this runs before the channel opens).
  const replayRef = useRef(new ReplayFilter())
  useEffect(() => {
    replayRef.current = new ReplayFilter()
    setStatus(initialStatus)
    return () => playerRef.current?.stop()
  }, [threadId])

  const connection = useChannel(threadId, enabled, (attempt) => {
    const player = playerRef.current!
    const replay = replayRef.current
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${scheme}://${location.host}/api/ws/audio/${encodeURIComponent(threadId!)}`)
    socket.binaryType = 'arraybuffer'
    socketRef.current = socket
    let ping: ReturnType<typeof setInterval> | undefined

    const onFrame = (text: string) => {
      const frame = parseNarrationFrame(text)
      if (!frame) return console.warn('Ignored an unknown narration frame', text)
      if (frame.type === 'error') {
        setStatus((s) => ({ ...s, state: 'failed', message: frame.message }))
      } else if (frame.state === 'started') {
        const { operation_id: id, kind, format } = frame
        // Each narration of an operation is a stream of its own: the result's bytes are not a replay of the request's.
        player.begin(`${id}:${kind}`, format.sample_rate, format.channels)
        replay.begin(`${id}:${kind}`)
        setStatus((s) => ({
          ...s,
          state: 'playing',
          operationId: id,
          kind,
          sampleRate: format.sample_rate,
          message: null,
          ...(s.operationId === id && s.kind === kind ? {} : { chunksReceived: 0, chunksScheduled: 0, lateChunks: 0, bytesReceived: 0 }),
        }))
      } else if (frame.state === 'completed') {
        setStatus((s) => (s.operationId === frame.operation_id && s.kind === frame.kind ? { ...s, state: 'done' } : s))
      }
    }

    const onAudio = (data: ArrayBuffer) => {
      const fresh = replay.accept(data)
      const result = fresh ? player.push(fresh) : { scheduled: false, late: false }
      setAudioState(player.contextState)
      setStatus((s) => ({
        ...s,
        chunksReceived: s.chunksReceived + 1,
        bytesReceived: s.bytesReceived + data.byteLength,
        chunksScheduled: s.chunksScheduled + (result.scheduled ? 1 : 0),
        lateChunks: s.lateChunks + (result.late ? 1 : 0),
      }))
    }

    socket.onopen = () => {
      attempt.connected()
      ping = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('{"type":"ping"}'), 25000)
    }
    socket.onmessage = (message) => {
      if (!attempt.live) return
      if (typeof message.data === 'string') onFrame(message.data)
      else onAudio(message.data as ArrayBuffer)
    }
    socket.onclose = (close) => {
      if (close.code !== 1008) return attempt.dropped()
      // Policy violation: the server does not know this thread. Retrying cannot help.
      setStatus((s) => ({ ...s, state: 'failed', message: close.reason || 'The server refused narration for this conversation.' }))
      attempt.refused()
    }
    return () => {
      clearInterval(ping)
      socketRef.current = null
      socket.close(1000, 'page left the conversation')
    }
  })

  const unlock = useCallback(() => {
    playerRef.current?.unlock()
    setAudioState(playerRef.current?.contextState ?? 'unavailable')
  }, [])

  /** Stops what plays now and tells the server this operation's narration is no longer wanted. */
  const cancel = useCallback((operationId: string) => {
    playerRef.current?.stop()
    const socket = socketRef.current
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'cancel', operation_id: operationId }))
    setStatus((s) => (s.operationId === operationId ? { ...s, state: 'done' } : s))
  }, [])

  return { connection, status, volume, setVolume, muted, setMuted, unlock, cancel, audioState }
}

export type Narration = ReturnType<typeof useNarration>
