/** The agent's closing reflection, growing as its tokens stream in. */
export function ReflectText({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <p className="entry__text entry__text--pre reflect" data-testid="reflect-text" data-streaming={streaming}>
      {text}
      {streaming && <span className="reflect__caret" aria-hidden="true" />}
    </p>
  )
}
