/** Render (or any staged) progress as a labelled bar. */
export function RenderProgress({ stage, percent, text }: { stage: string; percent: number; text: string }) {
  // The API's sentence may end in the percent too; the bar's own figure shows it once.
  const label = text.replace(/\s*\d+(\.\d+)?\s*%$/, '') || `${stage[0]?.toUpperCase() ?? ''}${stage.slice(1)}…`
  return (
    <div className="progress" data-testid="render-progress" data-percent={Math.round(percent)}>
      <div className="progress__label">
        <span>{label}</span>
        <span className="progress__value">{Math.round(percent)}%</span>
      </div>
      <progress max={100} value={percent} aria-label={`${stage} progress`}>{Math.round(percent)}%</progress>
    </div>
  )
}
