// A narration socket that reconnects gets the running operation's audio again from its start
// (issue 5: late joiners hear everything). This passes on only the bytes not played yet.

export class ReplayFilter {
  /** Bytes of each operation already passed on. */
  private readonly played = new Map<string, number>()
  private current: { operationId: string; offset: number } | null = null

  /** A `started` frame: the operation's audio (re)starts from byte 0. */
  begin(operationId: string): void {
    this.current = { operationId, offset: 0 }
  }

  /** The part of this binary frame not heard before, or null when all of it was. */
  accept(chunk: ArrayBuffer): ArrayBuffer | null {
    if (!this.current) return null
    const { operationId } = this.current
    const start = this.current.offset
    const end = start + chunk.byteLength
    this.current.offset = end
    const seen = this.played.get(operationId) ?? 0
    if (end <= seen) return null
    this.played.set(operationId, end)
    return start >= seen ? chunk : chunk.slice(seen - start)
  }
}
