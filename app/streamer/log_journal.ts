/*
| What the monitor writes to the database goes through here. While the
| database is unreachable the audio goes on, and the entries wait in a local
| journal (JSON lines in the station's folder), then reach the database in
| their order once it answers again: nothing lost, nothing twice. The rules
| (order, set aside what the database refuses, memory when the disk fails)
| are the spool's (app/spool/database_spool.ts); what is the journal's own is
| what an entry is, where it goes, and the lines it logs.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import { DatabaseSpool } from '#spool/database_spool'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { LogType } from '#models/log'
import type { Logger } from '#types/logger'
import { diffusionChange, diffusionColumns, logColumns } from '#models/table_columns'

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

export type JournalEntry = { op: 'log'; row: LogRow } | { op: 'cancel'; diffusionId: number }

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

export class LogJournal {
  readonly path: string
  readonly #spool: DatabaseSpool<JournalEntry>

  constructor(
    path: string,
    logger: Logger,
    options: {
      onStorageError?: (message: string) => void
      connection?: () => QueryClientContract
    } = {}
  ) {
    this.path = path
    const onStorageError = options.onStorageError ?? (() => {})
    const connection = options.connection ?? (() => db.connection())
    this.#spool = new DatabaseSpool<JournalEntry>(path, {
      commit: (entries) =>
        connection().transaction(async (trx) => {
          for (const entry of entries) await applyEntry(trx, entry)
        }),
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
    return this.#spool.write(entries)
  }

  /** Replays the journal; returns true when it is empty afterwards. */
  flush(): Promise<boolean> {
    return this.#spool.flush()
  }

  size(): Promise<number> {
    return this.#spool.size()
  }
}
