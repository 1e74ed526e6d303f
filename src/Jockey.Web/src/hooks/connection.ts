/** What a connection indicator shows for one channel. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

/** Back-off for reconnects: quick at first, then every 10 s for as long as the page is open. */
export function retryDelay(attempt: number): number {
  return [0, 1000, 2000, 5000][attempt] ?? 10000
}
