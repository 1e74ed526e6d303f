import type { IndexInfo } from '../api/types'

interface Props {
  indexes: IndexInfo[]
  value: string
  onChange: (indexId: string) => void
  disabled: boolean
}

export function IndexSelector({ indexes, value, onChange, disabled }: Props) {
  if (indexes.length === 0) return null
  return (
    <span className="index-selector">
      <label htmlFor="index-select">Index</label>
      <select id="index-select" data-testid="index-select" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {indexes.map((i) => (
          <option key={i.index_id} value={i.index_id}>
            {i.index_id}
            {i.video_count > 0 ? ` (${i.video_count} videos)` : ''}
          </option>
        ))}
      </select>
    </span>
  )
}
