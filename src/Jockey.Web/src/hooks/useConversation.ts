// The conversation as the page sees it: which thread, its restored history, the live stream, and the
// actions a user can take. Components get state and callbacks from here and never call the network.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'
import { ApiError, api } from '../api/api'
import { conversationReducer, initialConversation, type MediaSelection } from '../state/conversation'
import { activeOperation, selectTurns } from '../state/turns'
import type { StreamHandlers } from './connection'
import { useRunStream } from './useRunStream'
import { preferredTransport, useThreadUrl } from './useThreadUrl'

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

export function useConversation(serverReady: boolean) {
  const [urlThread, goToThread] = useThreadUrl()
  const [state, dispatch] = useReducer(conversationReducer, initialConversation)
  const [notice, setNotice] = useState<string | null>(null)
  const [reloadTick, setReloadTick] = useState(0)
  const creating = useRef<Promise<void> | null>(null)

  const lastSeq = useRef(0)
  useEffect(() => {
    lastSeq.current = state.lastSeq
  }, [state.lastSeq])
  const handlers = useRef<StreamHandlers>({
    onEvents: (threadId, events) => dispatch({ type: 'events', threadId, events }),
    onOperation: (operation) => dispatch({ type: 'operation', operation }),
  })

  // The address names the thread; the reducer follows it (first load, reload, Back/Forward).
  useEffect(() => {
    dispatch({ type: 'thread-changed', threadId: urlThread })
    lastSeq.current = 0
  }, [urlThread])

  const createThread = useCallback(
    (mode: 'push' | 'replace') =>
      (creating.current ??= api
        .createThread()
        .then((t) => goToThread(t.thread_id, mode))
        .catch((error) => setNotice(`Could not start a conversation: ${messageOf(error)}`))
        .finally(() => (creating.current = null))),
    [goToThread],
  )

  // No thread in the address: start one, so narration can listen before the first prompt is sent.
  useEffect(() => {
    if (serverReady && !urlThread) void createThread('replace')
  }, [serverReady, urlThread, createThread])

  // A thread in the address: restore its operations; its events come from Subscribe(thread, 0).
  useEffect(() => {
    if (!serverReady || !urlThread) return
    const abort = new AbortController()
    api.thread(urlThread, abort.signal).then(
      (thread) => dispatch({ type: 'thread-loaded', threadId: urlThread, operations: thread.operations ?? [] }),
      (error) => {
        if (abort.signal.aborted) return
        const message =
          error instanceof ApiError && error.status === 404
            ? 'This conversation does not exist on the server any more (it may have expired).'
            : messageOf(error)
        dispatch({ type: 'thread-load-failed', threadId: urlThread, message })
      },
    )
    return () => abort.abort()
  }, [serverReady, urlThread, reloadTick])

  const transport = useMemo(preferredTransport, [])
  const threadOk = serverReady && state.loaded
  const live = useRunStream({ threadId: state.threadId, lastSeq, handlers, enabled: threadOk, transport })

  const turns = useMemo(() => selectTurns(state), [state])
  const active = activeOperation(turns)
  const busy = !!active || state.pending?.status === 'sending'

  const submit = useCallback(
    async (text: string, indexId: string) => {
      const threadId = state.threadId
      if (!threadId || !text.trim()) return
      setNotice(null)
      dispatch({ type: 'submit-started', text, indexId })
      try {
        const operation = await api.process(text, threadId, indexId)
        dispatch({ type: 'submit-accepted', operation, indexId })
      } catch (error) {
        dispatch({ type: 'submit-failed', message: messageOf(error) })
      }
    },
    [state.threadId],
  )

  const cancel = useCallback(async () => {
    if (!active) return
    try {
      dispatch({ type: 'operation', operation: await api.cancel(active.operationId) })
    } catch (error) {
      setNotice(`Cancel did not go through: ${messageOf(error)}`)
    }
  }, [active])

  return {
    state,
    turns,
    active,
    busy,
    live,
    transport,
    notice,
    dismissNotice: () => setNotice(null),
    submit,
    cancel,
    newConversation: () => createThread('push'),
    reloadThread: () => setReloadTick((t) => t + 1),
    dismissPending: () => dispatch({ type: 'dismiss-pending' }),
    select: (selection: MediaSelection) => dispatch({ type: 'select', selection }),
  }
}

export type Conversation = ReturnType<typeof useConversation>
