/*
| What the monitor writes to the database goes through here. While the
| database is unreachable the audio goes on, and the entries wait in a local
| journal (JSON lines in the station's folder), then reach the database in
| their order once it answers again: nothing lost, nothing twice (a batch is
| written in one transaction, and the journal is emptied only after commit).
| A journal that cannot be written (a full disk) keeps its entries in
| memory, in the same order, until one of the two is back.
*/
import { appendFile, readFile, rm, stat, truncate } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { LogType } from '#models/log'
import type { Logger } from '#types/logger'

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

/** Errors that mean "the database is not there right now", as opposed to a bad row. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; errno?: number; message?: string }
  const code = e?.code ?? ''
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      'ENOTFOUND',
      'EPIPE',
      'PROTOCOL_CONNECTION_LOST',
      'ER_CON_COUNT_ERROR',
      'ER_SERVER_SHUTDOWN',
    ].includes(code) ||
    /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|READONLY|FULL)/.test(code) ||
    e?.name === 'KnexTimeoutError' ||
    /Knex: Timeout acquiring a connection|connect ECONNREFUSED|Connection lost|closed state/i.test(
      e?.message ?? ''
    )
  )
}

async function applyEntry(trx: TransactionClientContract, entry: JournalEntry) {
  if (entry.op === 'cancel') {
    await trx
      .from('diffusions')
      .where('id', entry.diffusionId)
      .where('type', 'on_air')
      .update({ type: 'cancel' })
    return
  }
  const row = entry.row
  await trx.table('logs').insert({
    station_id: row.stationId,
    type: row.type,
    date: sqlDateTime(DateTime.fromMillis(row.date)),
    source: row.source,
    comment: row.comment,
    sound_id: row.soundId ?? null,
    track_id: row.trackId ?? null,
    diffusion_id: row.diffusionId ?? null,
  })
}

/** Entries kept in memory at most while neither the database nor the disk takes them. */
const MEMORY_LIMIT = 100_000

export class LogJournal {
  readonly path: string
  readonly #logger: Logger
  #down = false
  #downSince = 0
  /** Entries the journal file could not take (after those in the file). */
  #memory: JournalEntry[] = []
  #diskProblem: string | null = null

  readonly #onStorageError: (message: string) => void
  readonly #connection: () => QueryClientContract

  constructor(
    path: string,
    logger: Logger,
    options: {
      onStorageError?: (message: string) => void
      connection?: () => QueryClientContract
    } = {}
  ) {
    this.path = path
    this.#logger = logger
    this.#onStorageError = options.onStorageError ?? (() => {})
    this.#connection = options.connection ?? (() => db.connection())
  }

  get databaseDown(): boolean {
    return this.#down
  }

  hasBacklog(): boolean {
    return this.#memory.length > 0 || existsSync(this.path)
  }

  /** Writes entries in order, behind any backlog; journals them when the database is away. */
  async write(entries: JournalEntry[]): Promise<void> {
    if (!entries.length) return
    if (this.hasBacklog()) {
      await this.#append(entries)
      await this.flush()
      return
    }
    try {
      await this.#commit(entries)
      this.#markUp(entries.length)
    } catch (error) {
      if (!isUnavailable(error)) return this.#writeOneByOne(entries)
      this.#markDown(error)
      await this.#append(entries)
    }
  }

  /**
   * A batch the database refused (a row pointing at a sound deleted meanwhile,
   * say): the good entries are written, the bad ones set aside with the reason.
   */
  async #writeOneByOne(entries: JournalEntry[]) {
    for (const entry of entries) {
      try {
        await this.#commit([entry])
      } catch (error) {
        if (isUnavailable(error)) {
          this.#markDown(error)
          await this.#append([entry])
          continue
        }
        const reason = (error as Error).message.split('\n')[0]
        try {
          await appendFile(`${this.path}.rejected`, JSON.stringify({ ...entry, reason }) + '\n', {
            mode: 0o640,
          })
          this.#logger.error(
            `log entry refused by the database (${reason}); kept in ${this.path}.rejected`
          )
        } catch (writeError) {
          this.#logger.error(
            `log entry refused by the database (${reason}), and ${this.path}.rejected cannot be written (${(writeError as Error).message}): ${JSON.stringify(entry)}`
          )
        }
      }
    }
  }

  /** Replays the journal; returns true when it is empty afterwards. */
  async flush(): Promise<boolean> {
    if (!this.hasBacklog()) return true
    const text = await readFile(this.path, 'utf8').catch(() => '')
    const memory = this.#memory.length
    const entries: JournalEntry[] = []
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      try {
        entries.push(JSON.parse(line))
      } catch {
        // A line cut by a crash mid-append: the entry was never acknowledged.
        this.#logger.warn(`journal ${this.path}: skipped an unreadable line`)
      }
    }
    entries.push(...this.#memory.slice(0, memory))
    try {
      await this.#commit(entries)
    } catch (error) {
      if (isUnavailable(error)) {
        this.#markDown(error)
        return false
      }
      await this.#forget(memory)
      await this.#writeOneByOne(entries)
      this.#markUp(entries.length)
      return !this.hasBacklog()
    }
    await this.#forget(memory)
    this.#markUp(entries.length)
    return true
  }

  /** The journal file, and the first `memory` entries kept in memory, are in the database now. */
  async #forget(memory: number) {
    this.#memory.splice(0, memory)
    await rm(this.path, { force: true })
  }

  async #commit(entries: JournalEntry[]) {
    await this.#connection().transaction(async (trx) => {
      for (const entry of entries) await applyEntry(trx, entry)
    })
  }

  async #append(entries: JournalEntry[]) {
    // Behind entries already in memory, or they would be replayed out of order.
    if (this.#memory.length === 0) {
      const size = (await stat(this.path).catch(() => null))?.size ?? 0
      try {
        await appendFile(this.path, entries.map((entry) => JSON.stringify(entry) + '\n').join(''), {
          mode: 0o640,
        })
        if (this.#diskProblem) this.#logger.info(`journal ${this.path} writable again`)
        this.#diskProblem = null
        return
      } catch (error) {
        // A write cut short leaves no half batch behind: the whole batch goes to memory.
        await truncate(this.path, size).catch(() => {})
        const message = (error as Error).message
        if (this.#diskProblem === null) {
          this.#logger.error(
            `cannot write the journal (${message}): keeping on-air logs in memory until the database or the disk is back`
          )
          this.#onStorageError(message)
        }
        this.#diskProblem = message
      }
    }
    this.#memory.push(...entries)
    if (this.#memory.length > MEMORY_LIMIT) {
      const dropped = this.#memory.splice(0, this.#memory.length - MEMORY_LIMIT)
      this.#logger.error(
        `journal memory full: the ${dropped.length} oldest on-air log entries are lost`
      )
    }
  }

  /** One line when the database goes away... */
  #markDown(error: unknown) {
    if (!this.#down) {
      const message = error instanceof Error ? error.message : String(error)
      this.#logger.error(
        `database unreachable (${message.split('\n')[0]}): journaling on-air logs in ${this.path}`
      )
      this.#downSince = Date.now()
    }
    this.#down = true
  }

  /** ...and one when it is back, with what was written. */
  #markUp(written: number) {
    if (!this.#down) return
    this.#down = false
    this.#logger.info(
      `database reachable again after ${Math.round((Date.now() - this.#downSince) / 1000)} s: ${written} journaled entries written`
    )
  }

  async size(): Promise<number> {
    try {
      return (await stat(this.path)).size
    } catch {
      return 0
    }
  }
}
