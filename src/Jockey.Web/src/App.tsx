import { useEffect, useMemo, useRef, useState } from 'react'
import { ErrorCard } from './components/ErrorCard'
import { ExamplePrompts } from './components/ExamplePrompts'
import { LibraryManager } from './components/LibraryManager'
import { LibraryStrip } from './components/LibraryStrip'
import { NarrationControls } from './components/NarrationControls'
import { PromptBox } from './components/PromptBox'
import { ResultHistory } from './components/ResultHistory'
import { ResultPlayer } from './components/ResultPlayer'
import { RunTimeline } from './components/RunTimeline'
import { ServerStatus } from './components/ServerStatus'
import { TopBar } from './components/TopBar'
import { useCompact } from './hooks/useCompact'
import { useConversation } from './hooks/useConversation'
import { useNarration } from './hooks/useNarration'
import { useIndexVideos, useServer } from './hooks/useServer'
import { useWatchers } from './hooks/useWatchers'
import { examplePrompts, fallbackPlaceholder, placeholderFor } from './state/examples'
import { resolveMedia } from './state/media'
import { promptToRestore, type TimelineItem } from './state/turns'
import { namedVideos } from './state/videoNames'

export function App() {
  const { server, retry, refreshIndexes } = useServer()
  const ready = server.status === 'ready'
  const config = ready ? server.config : null
  const conversation = useConversation(ready)
  const { state, turns, active, busy } = conversation
  const narration = useNarration(state.threadId, ready && !!config?.features.narration && state.loaded)
  const watching = useWatchers(state.threadId, ready && state.loaded && !state.loadError)

  const [text, setText] = useState('')
  const [indexId, setIndexId] = useState('')
  const index = indexId || config?.default_index_id || ''
  const library = useIndexVideos(ready ? index : null)
  const examples = useMemo(() => (index === 'sample' || library.length > 0 ? examplePrompts(library) : []), [index, library])
  const results = useMemo(() => namedVideos(turns, library), [turns, library])
  const media = resolveMedia(turns, state.selection, state.events, results)
  const player = useRef<HTMLElement>(null)
  const prompt = useRef<HTMLTextAreaElement>(null)
  const compact = useCompact()
  const selection = state.selection

  // On a phone the player sits under what it plays; a new video or a tapped result brings it into view.
  useEffect(() => {
    if (compact && selection) document.querySelector('[data-inline-player]')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }, [compact, selection])
  const inlinePlayer = (item: TimelineItem) =>
    compact && selection && selection.seq === item.seq && (item.kind === 'video' || item.kind === 'search' || selection.kind === 'preview') ? (
      <li className="turn__inline-player" data-inline-player>
        <ResultPlayer media={media} />
      </li>
    ) : null

  const send = (prompt: string, promptIndex: string) => {
    narration.unlock() // inside the user's gesture, so the browser lets narration play
    void conversation.submit(prompt, promptIndex)
  }
  const cancel = () => {
    if (!active) return
    narration.cancel(active.operationId)
    // The prompt comes back to edit and send again.
    setText(promptToRestore(active, state.pending))
    void conversation.cancel()
  }

  // A new conversation starts with an empty prompt.
  useEffect(() => setText(''), [state.threadId])

  return (
    <div className="app">
      <TopBar
        live={ready ? conversation.live : 'disconnected'}
        narration={ready ? narration.connection : 'disconnected'}
        narrationEnabled={config?.features.narration ?? true}
        onNewConversation={() => void conversation.newConversation()}
        canStartNew={ready && (turns.length > 0 || !!state.pending || !!state.loadError)}
        shareUrl={state.threadId && state.loaded && !state.loadError ? location.href : null}
        watching={watching}
      />
      <main className="layout">
        <div className="conversation">
          <div className="conversation__scroll" data-scroll-container>
            <ServerStatus server={server} onRetry={retry} />
            {conversation.notice && (
              <ErrorCard title="Something went wrong" message={conversation.notice} testId="notice">
                <button type="button" className="button button--small" onClick={conversation.dismissNotice}>Dismiss</button>
              </ErrorCard>
            )}
            {state.loadError && (
              <ErrorCard title="Couldn't open this conversation" message={state.loadError} onRetry={conversation.reloadThread} testId="thread-error">
                <button type="button" className="button button--small" onClick={() => void conversation.newConversation()}>
                  Start a new conversation
                </button>
              </ErrorCard>
            )}
            {turns.length === 0 && !state.pending && !state.loadError && (
              <>
                <ExamplePrompts prompts={ready ? examples : []} indexId={index} onPick={(example) => {
                  setText(example)
                  prompt.current?.focus()
                }} />
                <LibraryStrip videos={ready ? library : []} indexId={index} />
              </>
            )}
            <RunTimeline
              turns={turns}
              pending={state.pending}
              selection={state.selection}
              videos={results}
              renderAfter={inlinePlayer}
              canRetry={!busy}
              onRetry={(prompt, promptIndex) => send(prompt, promptIndex ?? index)}
              onDismissPending={conversation.dismissPending}
              onPlayClip={(seq, i) => conversation.select({ kind: 'clip', seq, index: i })}
              onShowVideo={(seq) => {
                conversation.select({ kind: 'video', seq })
                if (!compact) player.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
              }}
            />
          </div>
          <PromptBox
            value={text}
            onChange={setText}
            onSubmit={() => {
              send(text.trim(), index)
              setText('')
            }}
            onCancel={cancel}
            busy={busy}
            canCancel={!!active}
            disabled={!ready || !state.threadId || !!state.loadError}
            maxLength={config?.max_text_length ?? 2000}
            indexes={ready ? server.indexes : []}
            indexId={index}
            onIndexChange={setIndexId}
            textareaRef={prompt}
            placeholder={library.length > 0 ? placeholderFor(library) : fallbackPlaceholder}
          />
        </div>
        <aside className="results" aria-label="Results" ref={player}>
          {!compact && <ResultPlayer media={media} />}
          <ResultHistory videos={results} selection={state.selection} onSelect={(seq) => conversation.select({ kind: 'video', seq })} />
          {(config?.features.narration ?? true) && <NarrationControls narration={narration} />}
          <LibraryManager indexes={ready ? server.indexes : []} indexId={index} onIndexChange={setIndexId} onIndexesChanged={refreshIndexes} enabled={ready} />
        </aside>
      </main>
    </div>
  )
}
