/*
| Delivers the outbox to every active sink, each from its own cursor, in
| event id order: a batch is retried with a doubling delay until it goes
| through or reaches the sink's resend limit (then it is logged as failed and
| the sink moves on). Each attempt is written to the delivery log. A lease
| per sink lets several deliverers run without sending anything twice. It
| runs in its own process (node ace events:deliver): a slow or dead sink
| never touches the streamer's tick.
*/
import { DateTime } from 'luxon'
import { hostname } from 'node:os'
import db from '@adonisjs/lucid/services/db'
import antenneConfig from '#config/antenne'
import Event from '#models/event'
import EventSink from '#models/event_sink'
import EventDelivery, { type DeliveryStatus } from '#models/event_delivery'
import { sqlDateTime } from '#models/columns'
import { passes } from '#events/event_filter'
import { transportFor, type SinkTransport } from '#events/sink_transports'
import { backoffDelay } from '#events/retry_backoff'
import { DatabaseOutage } from '#health/database_outage'
import type { Logger } from '#types/logger'
import { eventColumns, eventDeliveryColumns, eventSinkColumns } from '#models/table_columns'

const LEASE_MS = 30_000

export type SinkOutcome =
  'idle' | 'delivered' | 'skipped' | 'retry' | 'failed' | 'waiting' | 'leased'

/** A new sink starts at the end of the outbox: it gets what happens from now on. */
export async function outboxEnd(): Promise<number> {
  const row = await db
    .from(eventColumns.table)
    .max(`${eventColumns.name('id')} as id`)
    .first()
  return Number(row?.id ?? 0)
}

export class EventDeliverer {
  readonly owner = `${hostname()}:${process.pid}`
  readonly #logger: Logger
  readonly #transports = new Map<number, { signature: string; transport: SinkTransport }>()
  /** Until when (ms) this deliverer holds each sink's lease. */
  readonly #leases = new Map<number, number>()
  #timer: NodeJS.Timeout | null = null
  #running: Promise<unknown> | null = null
  #stopped = false
  readonly #outage: DatabaseOutage
  /** Events delivered by this deliverer, for the line that says the database is back. */
  #delivered = 0

  constructor(logger: Logger) {
    this.#logger = logger
    this.#outage = new DatabaseOutage('events', logger)
  }

  /** One pass over the active sinks; resolves with what happened to each. */
  async deliverAll(now = DateTime.utc()): Promise<Map<string, SinkOutcome>> {
    const outcomes = new Map<string, SinkOutcome>()
    const sinks = await EventSink.query()
      .withScopes((s) => s.active())
      .orderBy('id')
    // An idle pass asks two questions and writes nothing: sinks at the end of the outbox are skipped.
    const end = await outboxEnd()
    // Sinks are independent: one slow webhook does not hold the others back.
    await Promise.all(
      sinks.map(async (sink) =>
        outcomes.set(sink.name, sink.cursor >= end ? 'idle' : await this.deliverSink(sink, now))
      )
    )
    return outcomes
  }

  async deliverSink(sink: EventSink, now = DateTime.utc()): Promise<SinkOutcome> {
    if (!(await this.#lease(sink, now))) return 'leased'
    if (sink.nextAttemptAt && sink.nextAttemptAt > now) return 'waiting'
    const events = await Event.query()
      .withScopes((s) => s.afterId(sink.cursor))
      .limit(sink.batchSize)
    if (events.length === 0) return 'idle'
    const last = events[events.length - 1].id
    const filter = sink.filter
    const matched = events.map((e) => e.toEvent()).filter((e) => passes(e, filter))
    if (matched.length === 0) {
      await this.#advance(sink, last)
      return 'skipped'
    }

    const started = performance.now()
    const attempt = sink.attempts + 1
    try {
      await this.#transport(sink).send(matched)
    } catch (error) {
      const message = (error as Error).message
      const duration = Math.round(performance.now() - started)
      if (attempt >= sink.maxAttempts) {
        await this.#record(
          sink,
          matched,
          'failed',
          attempt,
          duration,
          `given up after ${attempt} attempts: ${message}`
        )
        this.#logger.error(
          `events: sink "${sink.name}" gave up events ${matched[0].id}–${matched[matched.length - 1].id} after ${attempt} attempts: ${message}`
        )
        await this.#advance(sink, last, message)
        return 'failed'
      }
      const delay = backoffDelay(attempt - 1, {
        first: antenneConfig.events.retryFirst,
        max: antenneConfig.events.retryMax,
      })
      await this.#record(sink, matched, 'retry', attempt, duration, message)
      if (attempt === 1)
        this.#logger.warn(
          `events: sink "${sink.name}" (${sink.safeUrl}) failed: ${message}; retrying`
        )
      sink.merge({
        attempts: attempt,
        nextAttemptAt: now.plus({ milliseconds: delay }),
        lastError: message,
      })
      await sink.save()
      return 'retry'
    }
    this.#delivered += matched.length
    await this.#record(
      sink,
      matched,
      'delivered',
      attempt,
      Math.round(performance.now() - started),
      null
    )
    if (attempt > 1) this.#logger.info(`events: sink "${sink.name}" delivers again`)
    await this.#advance(sink, last)
    return 'delivered'
  }

  /** Delivers every `interval` ms until stopped; each pass waits for the previous one. */
  start(interval = antenneConfig.events.pollInterval) {
    const loop = async () => {
      if (this.#stopped) return
      this.#running = this.#pass()
      await this.#running
      if (!this.#stopped) this.#timer = setTimeout(loop, interval)
    }
    void loop()
  }

  /** One pass of the loop: a database outage is one line when it begins and one when it ends. */
  async #pass() {
    const before = this.#delivered
    try {
      await this.deliverAll()
      this.#outage.reached(`${this.#delivered - before} event(s) delivered by the first pass`)
    } catch (error) {
      if (!this.#outage.failed(error))
        this.#logger.error(`events: delivery pass failed: ${(error as Error).message}`)
    }
  }

  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.#running
    const k = eventSinkColumns
    await db
      .from(k.table)
      .where(k.name('leaseOwner'), this.owner)
      .update(k.row({ leaseOwner: null, leaseUntil: null }))
      .catch(() => {})
    this.#leases.clear()
    for (const { transport } of this.#transports.values()) await transport.close()
    this.#transports.clear()
  }

  /** Deletes events every sink has handled and that are older than the retention, and old delivery logs. */
  async prune(now = DateTime.utc()) {
    const before = sqlDateTime(now.minus({ days: antenneConfig.events.retentionDays }))
    const [k, e, d] = [eventSinkColumns, eventColumns, eventDeliveryColumns]
    const row = await db
      .from(k.table)
      .where(k.name('active'), true)
      .min(`${k.name('cursor')} as cursor`)
      .first()
    const handled =
      row?.cursor === null || row?.cursor === undefined
        ? Number.MAX_SAFE_INTEGER
        : Number(row.cursor)
    const events = await db
      .from(e.table)
      .where(e.name('occurredAt'), '<', before)
      .where(e.name('id'), '<=', handled)
      .delete()
    const deliveries = await db.from(d.table).where(d.name('createdAt'), '<', before).delete()
    return { events: Number(events), deliveries: Number(deliveries) }
  }

  async #lease(sink: EventSink, now: DateTime) {
    // A lease we hold for a while yet is not written again every pass.
    const held = this.#leases.get(sink.id)
    if (held && sink.leaseOwner === this.owner && held - now.toMillis() > LEASE_MS / 2) return true
    const until = sqlDateTime(now.plus({ milliseconds: LEASE_MS }))
    const k = eventSinkColumns
    const updated = await db
      .from(k.table)
      .where(k.name('id'), sink.id)
      .where((q) =>
        q
          .whereNull(k.name('leaseOwner'))
          .orWhere(k.name('leaseOwner'), this.owner)
          .orWhere(k.name('leaseUntil'), '<', sqlDateTime(now))
      )
      .update(k.row({ leaseOwner: this.owner, leaseUntil: until }))
    const won = Number(Array.isArray(updated) ? updated[0] : updated) > 0
    if (won) this.#leases.set(sink.id, now.toMillis() + LEASE_MS)
    else this.#leases.delete(sink.id)
    return won
  }

  async #advance(sink: EventSink, cursor: number, lastError: string | null = null) {
    sink.merge({ cursor, attempts: 0, nextAttemptAt: null, lastError })
    await sink.save()
  }

  async #record(
    sink: EventSink,
    events: Array<{ id?: number }>,
    status: DeliveryStatus,
    attempt: number,
    durationMs: number,
    detail: string | null
  ) {
    await EventDelivery.create({
      sinkId: sink.id,
      firstEventId: events[0].id!,
      lastEventId: events[events.length - 1].id!,
      count: events.length,
      status,
      attempt,
      durationMs,
      detail: detail?.slice(0, 2000) ?? null,
    })
  }

  /** One transport per sink, rebuilt when its settings change. */
  #transport(sink: EventSink): SinkTransport {
    const signature = `${sink.url}|${sink.key}|${sink.timeoutMs}|${JSON.stringify(sink.options)}`
    const known = this.#transports.get(sink.id)
    if (known && known.signature === signature) return known.transport
    void known?.transport.close()
    const transport = transportFor(sink)
    this.#transports.set(sink.id, { signature, transport })
    return transport
  }
}
