/*
| Emitting an event never waits and never fails for the caller (the
| streamer's tick must not): events are batched and written to the `events`
| table (the durable outbox) a moment later. While the database is away they
| go to a spool file of this process, replayed in order once it answers; a
| spool left by a process that died is adopted by the next one. The rules are
| the spool's (app/spool/database_spool.ts); what is the outbox's own is the
| batching, what a row is, and the lines it logs.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import logger from '@adonisjs/core/services/logger'
import antenneConfig from '#config/antenne'
import { sqlDateTime } from '#models/columns'
import {
  EVENT_TYPES,
  type AntenneEvent,
  type EventLevel,
  type EventType,
} from '#events/event_types'
import { formatAway } from '#health/database_outage'
import { DatabaseSpool } from '#spool/database_spool'
import { orphanSpools, processSpoolPath } from '#spool/orphan_spools'
import { eventColumns } from '#models/table_columns'
import { batches, rowsPerInsert } from '#models/batch_size'

/** An event as a row of the events table. */
export function eventRow(e: AntenneEvent) {
  return eventColumns.row({
    type: e.type,
    station: e.station,
    level: e.level,
    occurredAt: sqlDateTime(DateTime.fromISO(e.at)),
    payload: JSON.stringify(e.payload),
  })
}

export class EventOutbox {
  readonly #spoolDir: string
  readonly #spool: DatabaseSpool<AntenneEvent>
  #pending: AntenneEvent[] = []
  #flushing: Promise<void> | null = null
  #scheduled = false
  #retry: NodeJS.Timeout | null = null
  /** Events taken by the write in flight. */
  #writing = 0

  /** `connection`: the database to write to (default: the app's). */
  constructor(spoolDir: string, connection: () => QueryClientContract = () => db.connection()) {
    this.#spoolDir = spoolDir
    const path = processSpoolPath(spoolDir)
    this.#spool = new DatabaseSpool<AntenneEvent>(path, {
      commit: async (events) => {
        const rows = events.map(eventRow)
        const client = connection()
        const width = rows.length ? Object.keys(rows[0]).length : 1
        const size = rowsPerInsert(width, client.connectionName)
        await client.transaction(async (trx) => {
          for (const batch of batches(rows, size))
            await trx.table(eventColumns.table).multiInsert(batch)
        })
      },
      say: {
        databaseDown: (reason) =>
          logger.warn(`events: database unavailable (${reason}); spooling to ${path}`),
        databaseBack: (awayMs, written) => {
          if (written)
            logger.info(
              `events: database back after ${formatAway(awayMs)}; ${written} spooled event(s) written`
            )
        },
        diskFailed: (message) =>
          logger.error(`events: cannot write the spool (${message}); keeping events in memory`),
        diskBack: () => logger.info(`events: spool ${path} writable again`),
        memoryFull: (dropped) =>
          logger.error(`events: memory full, the ${dropped} oldest events are lost`),
        refused: (reason, event, rejectedPath, keepError) => {
          logger.error(
            `events: an event refused by the database (${reason}) is kept in ${rejectedPath}`
          )
          if (keepError)
            logger.error(
              `events: and it cannot be kept (${keepError.message}): ${JSON.stringify(event).slice(0, 500)}`
            )
        },
      },
    })
  }

  get spoolPath() {
    return this.#spool.path
  }

  /**
   * Records an event; written within a few milliseconds, or spooled. `level`
   * defaults to the type's own (an alarm's end may be quieter than the alarm).
   */
  emit(
    type: EventType,
    station: string | null,
    payload: Record<string, unknown> = {},
    at: DateTime = DateTime.utc(),
    level: EventLevel = EVENT_TYPES[type]
  ) {
    const event: AntenneEvent = {
      type,
      station,
      level,
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
        this.#pending.length || this.#spool.hasBacklog() ? this.flush() : undefined
      )
    this.#flushing = this.#write().finally(() => (this.#flushing = null))
    return this.#flushing
  }

  get hasBacklog() {
    return this.#pending.length > 0 || this.#writing > 0 || this.#spool.hasBacklog()
  }

  async #write() {
    const batch = this.#pending
    this.#pending = []
    this.#writing = batch.length
    try {
      if (batch.length) await this.#spool.write(batch)
      else await this.#spool.flush()
    } finally {
      this.#writing = 0
    }
    if (this.#spool.hasBacklog()) this.#retryLater()
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

  /** Takes over the spools of processes that died, so that their events are written too. */
  async adoptOrphanSpools() {
    for (const orphan of await orphanSpools(this.#spoolDir)) await this.#spool.adopt(orphan)
    if (this.#spool.hasBacklog()) await this.flush()
  }
}

/** The process's outbox. */
export const events = new EventOutbox(antenneConfig.events.spoolDir)
