/*
| Emitting an event never waits and never fails for the caller (the
| streamer's tick must not): events are batched and written to the `events`
| table (the durable outbox) a moment later. While the database is away they
| go to a spool file of this process, replayed in order once it answers. A
| spool left by a process that died is adopted by the next one.
*/
import { DateTime } from 'luxon'
import { appendFile, mkdir, readFile, readdir, rename, rm, stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import logger from '@adonisjs/core/services/logger'
import antenneConfig from '#config/antenne'
import { sqlDateTime } from '#models/columns'
import { EVENT_TYPES, type AntenneEvent, type EventType } from '#events/event_types'
import { formatAway } from '#health/database_outage'

/** Events kept in memory at most while neither the database nor the disk takes them. */
const MEMORY_LIMIT = 100_000

function alive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class EventOutbox {
  readonly #spoolDir: string
  readonly #spool: string
  #pending: AntenneEvent[] = []
  #flushing: Promise<void> | null = null
  #scheduled = false
  #spooled = false
  #retry: NodeJS.Timeout | null = null
  /** Events taken by the write in flight. */
  #writing = 0
  /** Why the spool could not be written, while it cannot. */
  #spoolProblem: string | null = null
  /** When this process began to spool (ms), for the line that says the database is back. */
  #spoolingSince: number | null = null

  readonly #connection: () => QueryClientContract

  /** `connection`: the database to write to (default: the app's). */
  constructor(spoolDir: string, connection: () => QueryClientContract = () => db.connection()) {
    this.#spoolDir = spoolDir
    this.#spool = join(spoolDir, `${process.pid}.jsonl`)
    this.#connection = connection
  }

  get spoolPath() {
    return this.#spool
  }

  /** Records an event; written within a few milliseconds, or spooled. */
  emit(type: EventType, station: string | null, payload: Record<string, unknown> = {}, at: DateTime = DateTime.utc()) {
    const event: AntenneEvent = { type, station, level: EVENT_TYPES[type], at: at.toUTC().toISO()!, payload }
    this.#pending.push(event)
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => {
        this.#scheduled = false
        void this.flush()
      })
    }
    return event
  }

  /** Writes what is pending (after any spooled backlog). Resolves when done or spooled. */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing.then(() => (this.#pending.length || this.#spooled ? this.flush() : undefined))
    this.#flushing = this.#write().finally(() => (this.#flushing = null))
    return this.#flushing
  }

  get hasBacklog() {
    return this.#pending.length > 0 || this.#spooled || this.#writing > 0
  }

  async #write() {
    const batch = this.#pending
    this.#pending = []
    this.#writing = batch.length
    try {
      const backlog = this.#spooled ? await this.#readSpool() : []
      const rows = [...backlog, ...batch].map((e) => ({
        type: e.type,
        station: e.station,
        level: e.level,
        occurred_at: sqlDateTime(DateTime.fromISO(e.at)),
        payload: JSON.stringify(e.payload),
      }))
      if (rows.length) {
        await this.#connection().transaction(async (trx) => {
          for (let i = 0; i < rows.length; i += 200) await trx.table('events').multiInsert(rows.slice(i, i + 200))
        })
      }
      if (backlog.length) {
        await rm(this.#spool, { force: true })
        this.#spooled = false
        const away = this.#spoolingSince === null ? '' : `database back after ${formatAway(Date.now() - this.#spoolingSince)}; `
        logger.info(`events: ${away}${backlog.length} spooled event(s) written`)
      }
      this.#spoolingSince = null
    } catch (error) {
      // A quiet process still replays its spool: try again in a while.
      if (!this.#retry) {
        this.#retry = setTimeout(() => {
          this.#retry = null
          void this.flush()
        }, 10_000)
        this.#retry.unref()
      }
      if (batch.length) {
        if (this.#spoolingSince === null && !this.#spooled) logger.warn(`events: database unavailable (${(error as Error).message.split('\n')[0]}); spooling to ${this.#spool}`)
        this.#spoolingSince ??= Date.now()
        await this.#spoolOrKeep(batch)
      }
    } finally {
      this.#writing = 0
    }
  }

  /**
   * Appends a batch to the spool; a spool that cannot be written (a full
   * disk) leaves the batch in memory, in order, for the next try: the
   * process that emits (the streamer's tick) never sees the error.
   */
  async #spoolOrKeep(batch: AntenneEvent[]) {
    const size = (await stat(this.#spool).catch(() => null))?.size ?? 0
    try {
      await mkdir(this.#spoolDir, { recursive: true })
      await appendFile(this.#spool, batch.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o640 })
      this.#spooled = true
      if (this.#spoolProblem) logger.info(`events: spool ${this.#spool} writable again`)
      this.#spoolProblem = null
    } catch (error) {
      // A write cut short leaves no half batch behind: the whole batch stays in memory.
      await truncate(this.#spool, size).catch(() => {})
      if (size > 0) this.#spooled = true
      if (this.#spoolProblem === null) logger.error(`events: cannot write the spool (${(error as Error).message}); keeping events in memory`)
      this.#spoolProblem = (error as Error).message
      this.#pending = [...batch, ...this.#pending]
      if (this.#pending.length > MEMORY_LIMIT) {
        const dropped = this.#pending.splice(0, this.#pending.length - MEMORY_LIMIT)
        logger.error(`events: memory full, the ${dropped.length} oldest events are lost`)
      }
    }
  }

  async #readSpool(): Promise<AntenneEvent[]> {
    const text = await readFile(this.#spool, 'utf8').catch(() => '')
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as AntenneEvent]
        } catch {
          return [] // a line cut by a crash mid-write
        }
      })
  }

  /** Takes over the spools of processes that died, so that their events are written too. */
  async adoptOrphanSpools() {
    const files = await readdir(this.#spoolDir).catch(() => [] as string[])
    for (const file of files) {
      const pid = Number(file.replace(/\.jsonl$/, ''))
      if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue
      const claimed = join(this.#spoolDir, `${file}.${process.pid}.claim`)
      try {
        await rename(join(this.#spoolDir, file), claimed)
      } catch {
        continue // another process took it
      }
      await mkdir(this.#spoolDir, { recursive: true })
      await appendFile(this.#spool, await readFile(claimed, 'utf8'))
      await rm(claimed, { force: true })
      this.#spooled = true
    }
    if (this.#spooled) await this.flush()
  }
}

/** The process's outbox. */
export const events = new EventOutbox(antenneConfig.events.spoolDir)
