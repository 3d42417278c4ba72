/*
| What the monitor writes to the database goes through here. While the
| database is unreachable the audio goes on, and the entries wait in a local
| journal (JSON lines in the station's folder), then reach the database in
| their order once it answers again: nothing lost, nothing twice (a batch is
| written in one transaction, and the journal is emptied only after commit).
*/
import { appendFile, readFile, rm, stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { LogType } from '#models/log'

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
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN'].includes(code) ||
    /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|READONLY|FULL)/.test(code) ||
    e?.name === 'KnexTimeoutError' ||
    /Knex: Timeout acquiring a connection|connect ECONNREFUSED|Connection lost|closed state/i.test(e?.message ?? '')
  )
}

async function applyEntry(trx: TransactionClientContract, entry: JournalEntry) {
  if (entry.op === 'cancel') {
    await trx.from('diffusions').where('id', entry.diffusionId).where('type', 'on_air').update({ type: 'cancel' })
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

export interface JournalLogger {
  warn(message: string): void
  error(message: string): void
  info(message: string): void
}

export class LogJournal {
  readonly path: string
  readonly #logger: JournalLogger
  #down = false

  constructor(path: string, logger: JournalLogger) {
    this.path = path
    this.#logger = logger
  }

  get databaseDown(): boolean {
    return this.#down
  }

  hasBacklog(): boolean {
    return existsSync(this.path)
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
        this.#logger.error(`log entry refused by the database (${reason}); kept in ${this.path}.rejected`)
        await appendFile(`${this.path}.rejected`, JSON.stringify({ ...entry, reason }) + '\n')
      }
    }
  }

  /** Replays the journal; returns true when it is empty afterwards. */
  async flush(): Promise<boolean> {
    if (!this.hasBacklog()) return true
    const text = await readFile(this.path, 'utf8')
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
    try {
      await this.#commit(entries)
    } catch (error) {
      if (isUnavailable(error)) {
        this.#markDown(error)
        return false
      }
      await rm(this.path, { force: true })
      await this.#writeOneByOne(entries)
      return !this.hasBacklog()
    }
    await rm(this.path, { force: true })
    if (this.#down) this.#logger.info(`database reachable again: ${entries.length} journaled entries written`)
    this.#down = false
    return true
  }

  async #commit(entries: JournalEntry[]) {
    await db.transaction(async (trx) => {
      for (const entry of entries) await applyEntry(trx, entry)
    })
    this.#down = false
  }

  async #append(entries: JournalEntry[]) {
    await appendFile(this.path, entries.map((entry) => JSON.stringify(entry) + '\n').join(''))
  }

  #markDown(error: unknown) {
    if (!this.#down) {
      const message = error instanceof Error ? error.message : String(error)
      this.#logger.error(`database unreachable (${message.split('\n')[0]}): journaling on-air logs in ${this.path}`)
    }
    this.#down = true
  }

  async size(): Promise<number> {
    try {
      return (await stat(this.path)).size
    } catch {
      return 0
    }
  }
}
