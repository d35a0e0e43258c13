// Calls into the Rust shell. Every command returns the generated `Result`; `call` unwraps it and
// throws a `WireFailure` carrying the shell's wire error ({code, message, field, rows}).
import type { WireError } from './bindings'

export { commands } from './bindings'
export type * from './bindings'

export class WireFailure extends Error {
  constructor(public wire: WireError) {
    super(wire.message)
  }
  get code() {
    return this.wire.code
  }
  get field() {
    return this.wire.field
  }
}

type Res<T> = { status: 'ok'; data: T } | { status: 'error'; error: WireError }

export async function call<T>(p: Promise<Res<T>>): Promise<T> {
  let r: Res<T>
  try {
    r = await p
  } catch (e) {
    throw new WireFailure({ code: 'internal', message: String(e), field: null, rows: null })
  }
  if (r.status === 'error') throw new WireFailure(r.error)
  return r.data
}

/** Seconds as 3天2时 / 2时05分 / 12分. */
export function duration(seconds: number): string {
  const m = Math.floor(Math.abs(seconds) / 60)
  const d = Math.floor(m / 1440)
  const h = Math.floor((m % 1440) / 60)
  const mm = m % 60
  if (d > 0) return `${d}天${h}时`
  if (h > 0) return `${h}时${String(mm).padStart(2, '0')}分`
  return `${mm}分`
}

/** A stored timestamp (RFC 3339 UTC) shown in Beijing time, to the minute. */
export function at(ts: string | null | undefined): string {
  if (!ts) return '—'
  const d = new Date(ts)
  if (isNaN(d.getTime())) return ts
  const b = new Date(d.getTime() + 8 * 3600 * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${b.getUTCFullYear()}-${p(b.getUTCMonth() + 1)}-${p(b.getUTCDate())} ${p(b.getUTCHours())}:${p(b.getUTCMinutes())}`
}

export function yuan(fen: number | null | undefined): string {
  if (fen == null) return '—'
  return `¥${(fen / 100).toFixed(2)}`
}
