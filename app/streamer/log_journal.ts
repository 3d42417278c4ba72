/*
| What the monitor writes to the database goes through here. While the
| database is unreachable the audio goes on, and the entries wait in a local
| journal (JSON lines in the station's folder), then reach the database in
| their order once it answers again: nothing lost, nothing twice. The rules
| (order, set aside what the database refuses, memory when the disk fails)
| are the spool's (app/spool/database_spool.ts); what is the journal's own is
| what an entry is, where it goes, and the lines it logs.
*/
import { appendFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import { DatabaseSpool } from '#spool/database_spool'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { LogType } from '#models/log'
import type { Logger } from '#types/logger'
import { diffusionChange, diffusionColumns, logColumns } from '#models/table_columns'
import { LEASES } from '#streamer/station_lease'

export interface LogRow {
  stationId: number
  type: LogType
  /** Epoch ms. */
  date: number
  source: string | null
  comment: string | null
  soundId?: number | null
  trackId?: number | null
  diffusionId?: number | null
}

/**
 * `token`: the station's lease token when it was written, on a node that
 * shares the station with a standby (station_lease.ts); an entry whose token
 * is no longer the lease's is refused, however long it waited here.
 */
export type JournalEntry = ({ op: 'log'; row: LogRow } | { op: 'cancel'; diffusionId: number }) & {
  token?: number
}

export interface JournalFence {
  stationId: number
  /** The lease token this node holds now (null: it holds none and writes nothing). */
  token: () => number | null
}

async function applyEntry(trx: TransactionClientContract, entry: JournalEntry) {
  if (entry.op === 'cancel') {
    const d = diffusionColumns
    await trx
      .from(d.table)
      .where(d.name('id'), entry.diffusionId)
      .where(d.name('type'), 'on_air')
      .update(diffusionChange({ type: 'cancel' }))
    return
  }
  const row = entry.row
  await trx.table(logColumns.table).insert(
    logColumns.row({
      stationId: row.stationId,
      type: row.type,
      date: sqlDateTime(DateTime.fromMillis(row.date)),
      source: row.source,
      comment: row.comment,
      soundId: row.soundId ?? null,
      trackId: row.trackId ?? null,
      diffusionId: row.diffusionId ?? null,
    })
  )
}

/** The station's lease token now (null: no lease), the row locked until the commit when `lock`. */
async function leaseToken(trx: TransactionClientContract, stationId: number, lock: boolean) {
  const query = trx.from(LEASES).where('station_id', stationId).select('token')
  if (lock && trx.dialect.name === 'mysql') query.forUpdate()
  const row = await query.first()
  return row ? Number(row.token) : null
}

/**
 * Writes the entries the lease still allows and returns the others. The row
 * is locked only at the end, to check that no takeover landed meanwhile:
 * held through a long replay, it would block the leader's own renewals.
 */
async function applyFenced(
  trx: TransactionClientContract,
  stationId: number,
  entries: JournalEntry[]
) {
  if (!entries.some((entry) => entry.token !== undefined)) {
    for (const entry of entries) await applyEntry(trx, entry)
    return []
  }
  const current = await leaseToken(trx, stationId, false)
  const refused: JournalEntry[] = []
  for (const entry of entries) {
    if (entry.token === undefined || entry.token === current) await applyEntry(trx, entry)
    else refused.push(entry)
  }
  // A takeover between the check and here: nothing of this batch is written (it is tried again).
  if ((await leaseToken(trx, stationId, true)) !== current)
    throw new Error('the station lease changed while its log was being written')
  return refused
}

export class LogJournal {
  readonly path: string
  readonly #spool: DatabaseSpool<JournalEntry>
  readonly #fence: JournalFence | null

  constructor(
    path: string,
    logger: Logger,
    options: {
      onStorageError?: (message: string) => void
      connection?: () => QueryClientContract
      fence?: JournalFence
    } = {}
  ) {
    this.path = path
    this.#fence = options.fence ?? null
    const onStorageError = options.onStorageError ?? (() => {})
    const connection = options.connection ?? (() => db.connection())
    const fence = this.#fence
    this.#spool = new DatabaseSpool<JournalEntry>(path, {
      commit: async (entries) => {
        const refused = await connection().transaction(async (trx) => {
          if (fence) return applyFenced(trx, fence.stationId, entries)
          for (const entry of entries) await applyEntry(trx, entry)
          return []
        })
        if (!refused.length) return
        // Another node leads the station: what this one saw is not the station's log any more.
        logger.warn(
          `${refused.length} on-air entries of a lease this node lost were not written (another node leads); kept in ${path}.fenced`
        )
        await appendFile(
          `${path}.fenced`,
          refused.map((entry) => JSON.stringify(entry)).join('\n') + '\n',
          { mode: 0o640 }
        ).catch(() => {})
      },
      say: {
        databaseDown: (reason) =>
          logger.error(`database unreachable (${reason}): journaling on-air logs in ${path}`),
        databaseBack: (awayMs, written) =>
          logger.info(
            `database reachable again after ${Math.round(awayMs / 1000)} s: ${written} journaled entries written`
          ),
        diskFailed: (message) => {
          logger.error(
            `cannot write the journal (${message}): keeping on-air logs in memory until the database or the disk is back`
          )
          onStorageError(message)
        },
        diskBack: () => logger.info(`journal ${path} writable again`),
        memoryFull: (dropped) =>
          logger.error(`journal memory full: the ${dropped} oldest on-air log entries are lost`),
        refused: (reason, entry, rejectedPath, keepError) =>
          logger.error(
            keepError
              ? `log entry refused by the database (${reason}), and ${rejectedPath} cannot be written (${keepError.message}): ${JSON.stringify(entry)}`
              : `log entry refused by the database (${reason}); kept in ${rejectedPath}`
          ),
        unreadableLine: () => logger.warn(`journal ${path}: skipped an unreadable line`),
      },
    })
  }

  get databaseDown(): boolean {
    return this.#spool.databaseDown
  }

  hasBacklog(): boolean {
    return this.#spool.hasBacklog()
  }

  /** Writes entries in order, behind any backlog; journals them when the database is away. */
  write(entries: JournalEntry[]): Promise<void> {
    if (!this.#fence || !entries.length) return this.#spool.write(entries)
    const token = this.#fence.token()
    // No lease, no log: a node standing by has nothing of the station's to write.
    if (token === null) return Promise.resolve()
    return this.#spool.write(entries.map((entry) => ({ ...entry, token })))
  }

  /** Replays the journal; returns true when it is empty afterwards. */
  flush(): Promise<boolean> {
    return this.#spool.flush()
  }

  size(): Promise<number> {
    return this.#spool.size()
  }
}
