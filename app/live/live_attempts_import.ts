/*
| The gate's record of each login (live-attempts.jsonl), taken into the
| `live_attempts` table: each refusal told as a `live_refused` event, each
| accepted host's key marked as used. A tick costs one stat of the file
| unless it grew. Lines are keyed by their uuid: a streamer that restarts
| reads the file again and adds nothing twice; a database away leaves the
| lines where they are until it is back.
*/
import { open, rename, stat } from 'node:fs/promises'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import { LIVE_REASONS } from '#models/live_attempt'
import type { AttemptLine } from '#live/live_gate'

/** Past this size, a file read to its end is set aside as `.1` (the previous `.1` goes). */
const ROTATE_BYTES = 1024 * 1024
/** Read at most this much a tick: a tick stays short whatever the file holds. */
const READ_BYTES = 256 * 1024

/** A line the gate wrote, checked: another process wrote it, and a crash may have cut it. */
export function parseAttemptLine(line: string): AttemptLine | null {
  let value: Partial<AttemptLine>
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.uuid !== 'string' ||
    !/^[0-9a-f-]{36}$/.test(value.uuid) ||
    !Number.isFinite(value.at) ||
    typeof value.user !== 'string' ||
    typeof value.address !== 'string' ||
    typeof value.accepted !== 'boolean' ||
    !(LIVE_REASONS as readonly string[]).includes(String(value.reason))
  )
    return null
  const id = (n: unknown) => (Number.isSafeInteger(n) && (n as number) > 0 ? (n as number) : null)
  return {
    uuid: value.uuid,
    at: value.at!,
    user: value.user.slice(0, 190),
    address: value.address.slice(0, 64),
    accepted: value.accepted,
    reason: value.reason!,
    userId: id(value.userId),
    diffusionId: id(value.diffusionId),
  }
}

export class LiveAttemptsImport {
  readonly #path: string
  readonly #stationId: number
  #offset = 0

  constructor(path: string, stationId: number) {
    this.#path = path
    this.#stationId = stationId
  }

  /** The attempts written since the last call, once each; throws what the database says (the lines wait). */
  async take(): Promise<AttemptLine[]> {
    const size = await stat(this.#path).then(
      (s) => s.size,
      () => null
    )
    if (size === null) return []
    // A file set aside (or replaced) since: start it again.
    if (size < this.#offset) this.#offset = 0
    if (size === this.#offset) return []
    const handle = await open(this.#path, 'r')
    const buffer = Buffer.alloc(Math.min(size - this.#offset, READ_BYTES))
    try {
      await handle.read(buffer, 0, buffer.length, this.#offset)
    } finally {
      await handle.close()
    }
    // Only whole lines: the gate may be writing the last one. A "line" longer
    // than a read is no attempt the gate wrote: it is skipped.
    const end = buffer.lastIndexOf(0x0a) + 1
    if (end === 0) {
      if (buffer.length === READ_BYTES) this.#offset += buffer.length
      return []
    }
    const lines = buffer
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .map(parseAttemptLine)
      .filter((l): l is AttemptLine => l !== null)
    const fresh = await this.#store(lines)
    this.#offset += end
    if (this.#offset >= ROTATE_BYTES) {
      await rename(this.#path, `${this.#path}.1`).catch(() => {})
      this.#offset = 0
    }
    return fresh
  }

  /** Inserts the lines not in the table yet; returns those. */
  async #store(lines: AttemptLine[]): Promise<AttemptLine[]> {
    if (!lines.length) return []
    const known = new Set(
      (
        await db
          .from('live_attempts')
          .whereIn(
            'uuid',
            lines.map((l) => l.uuid)
          )
          .select('uuid')
      ).map((row) => row.uuid as string)
    )
    const fresh = lines.filter((l) => !known.has(l.uuid))
    if (!fresh.length) return []
    const users = new Set(
      (
        await db
          .from('users')
          .whereIn(
            'id',
            fresh.map((l) => l.userId).filter((id): id is number => id !== null)
          )
          .select('id')
      ).map((row) => row.id as number)
    )
    await db.transaction(async (trx) => {
      await trx.table('live_attempts').multiInsert(
        fresh.map((l) => ({
          uuid: l.uuid,
          station_id: this.#stationId,
          // A user deleted since is a name only.
          user_id: l.userId !== null && users.has(l.userId) ? l.userId : null,
          user_name: l.user,
          address: l.address,
          at: sqlDateTime(DateTime.fromMillis(l.at, { zone: 'utc' })),
          accepted: l.accepted,
          reason: l.reason,
          diffusion_id: l.diffusionId,
        }))
      )
      for (const l of fresh)
        if (l.accepted && l.userId !== null && users.has(l.userId))
          await trx
            .from('live_keys')
            .where('user_id', l.userId)
            .whereNull('revoked_at')
            .update({ last_used_at: sqlDateTime(DateTime.fromMillis(l.at, { zone: 'utc' })) })
    })
    return fresh
  }
}
