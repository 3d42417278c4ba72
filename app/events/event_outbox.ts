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
import { isUnavailable } from '#streamer/log_journal'

/** Events kept in memory at most while neither the database nor the disk takes them. */
const MEMORY_LIMIT = 100_000

/** An event as a row of the events table. */
function eventRow(e: AntenneEvent) {
  return {
    type: e.type,
    station: e.station,
    level: e.level,
    occurred_at: sqlDateTime(DateTime.fromISO(e.at)),
    payload: JSON.stringify(e.payload),
  }
}

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
  emit(
    type: EventType,
    station: string | null,
    payload: Record<string, unknown> = {},
    at: DateTime = DateTime.utc()
  ) {
    const event: AntenneEvent = {
      type,
      station,
      level: EVENT_TYPES[type],
      at: at.toUTC().toISO()!,
      payload,
    }
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
    if (this.#flushing)
      return this.#flushing.then(() =>
        this.#pending.length || this.#spooled ? this.flush() : undefined
      )
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
    let backlog: AntenneEvent[] = []
    try {
      backlog = this.#spooled ? await this.#readSpool() : []
      const rows = [...backlog, ...batch].map(eventRow)
      if (rows.length) {
        await this.#connection().transaction(async (trx) => {
          for (let i = 0; i < rows.length; i += 200)
            await trx.table('events').multiInsert(rows.slice(i, i + 200))
        })
      }
      await this.#backlogWritten(backlog.length)
    } catch (error) {
      if (!isUnavailable(error)) {
        // The database answers but refuses something: write the rest, set the refused aside.
        const written = await this.#writeOneByOne([...backlog, ...batch])
        if (written) await this.#backlogWritten(backlog.length)
        return
      }
      this.#retryLater()
      if (batch.length) {
        if (this.#spoolingSince === null && !this.#spooled)
          logger.warn(
            `events: database unavailable (${(error as Error).message.split('\n')[0]}); spooling to ${this.#spool}`
          )
        this.#spoolingSince ??= Date.now()
        await this.#spoolOrKeep(batch)
      }
    } finally {
      this.#writing = 0
    }
  }

  /** A quiet process still replays its spool: try again in a while. */
  #retryLater() {
    if (this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = null
      void this.flush()
    }, 10_000)
    this.#retry.unref()
  }

  async #backlogWritten(count: number) {
    if (count) {
      await rm(this.#spool, { force: true })
      this.#spooled = false
      const away =
        this.#spoolingSince === null
          ? ''
          : `database back after ${formatAway(Date.now() - this.#spoolingSince)}; `
      logger.info(`events: ${away}${count} spooled event(s) written`)
    }
    this.#spoolingSince = null
  }

  /**
   * One event at a time, after a batch the database refused (like the log
   * journal): the good ones are written, each refused one goes to
   * `<spool>.rejected` with the reason, so that one bad event is not retried
   * for ever. False when the database went away meanwhile (the rest waits).
   */
  async #writeOneByOne(events: AntenneEvent[]): Promise<boolean> {
    for (const [index, event] of events.entries()) {
      try {
        await this.#connection().table('events').insert(eventRow(event))
      } catch (error) {
        if (isUnavailable(error)) {
          // Those not written yet wait in memory, in order (the spool is rewritten from them later).
          this.#pending = [...events.slice(index), ...this.#pending]
          await rm(this.#spool, { force: true })
          this.#spooled = false
          this.#retryLater()
          return false
        }
        const reason = (error as Error).message.split('\n')[0]
        logger.error(
          `events: an event refused by the database (${reason}) is kept in ${this.#spool}.rejected`
        )
        await mkdir(this.#spoolDir, { recursive: true }).catch(() => {})
        await appendFile(`${this.#spool}.rejected`, JSON.stringify({ ...event, reason }) + '\n', {
          mode: 0o640,
        }).catch((writeError) => {
          logger.error(
            `events: and it cannot be kept (${(writeError as Error).message}): ${JSON.stringify(event).slice(0, 500)}`
          )
        })
      }
    }
    return true
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
      await appendFile(this.#spool, batch.map((e) => JSON.stringify(e) + '\n').join(''), {
        mode: 0o640,
      })
      this.#spooled = true
      if (this.#spoolProblem) logger.info(`events: spool ${this.#spool} writable again`)
      this.#spoolProblem = null
    } catch (error) {
      // A write cut short leaves no half batch behind: the whole batch stays in memory.
      await truncate(this.#spool, size).catch(() => {})
      if (size > 0) this.#spooled = true
      if (this.#spoolProblem === null)
        logger.error(
          `events: cannot write the spool (${(error as Error).message}); keeping events in memory`
        )
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
