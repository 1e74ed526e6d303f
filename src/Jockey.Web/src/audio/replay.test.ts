import { describe, expect, it } from 'vitest'
import { ReplayFilter } from './replay'

const bytes = (...values: number[]) => new Uint8Array(values).buffer
const list = (b: ArrayBuffer | null) => (b ? Array.from(new Uint8Array(b)) : null)

describe('ReplayFilter', () => {
  it('passes every chunk of a first delivery', () => {
    const f = new ReplayFilter()
    f.begin('op-1')
    expect(list(f.accept(bytes(1, 2)))).toEqual([1, 2])
    expect(list(f.accept(bytes(3, 4)))).toEqual([3, 4])
  })

  it('skips what was already played when the audio is replayed after a reconnect', () => {
    const f = new ReplayFilter()
    f.begin('op-1')
    f.accept(bytes(1, 2, 3, 4))
    f.begin('op-1') // reconnect: started again, audio from byte 0
    expect(f.accept(bytes(1, 2))).toBeNull()
    expect(list(f.accept(bytes(3, 4, 5, 6)))).toEqual([5, 6]) // half heard, half new
    expect(list(f.accept(bytes(7)))).toEqual([7])
  })

  it('keeps operations apart', () => {
    const f = new ReplayFilter()
    f.begin('op-1')
    f.accept(bytes(1, 2, 3))
    f.begin('op-2')
    expect(list(f.accept(bytes(9, 9)))).toEqual([9, 9])
  })

  it('drops audio that arrives before any started frame', () => {
    expect(new ReplayFilter().accept(bytes(1))).toBeNull()
  })
})
