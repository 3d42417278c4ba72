/*
| The `diffusion_at_risk` alerts: every minute, in the events:deliver
| process (never in the streamer's tick), the diffusions at risk of the next
| 24 hours are looked at, and each is told 24 h and 1 h before its start
| (risk_alerts.ts says when).
|
| Once each, whatever happens: the alert's row in `diffusion_alerts` (unique
| per diffusion and threshold) and its event's row in `events` are written
| in one transaction, so a crash leaves both or neither, a restart finds what
| was told, and of two deliverers racing for the same alert the unique key
| lets one win. A named lease keeps the others from even looking: one watch
| at a time does the queries.
*/
import { hostname } from 'node:os'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import antenneConfig from '#config/antenne'
import DiffusionAlert from '#models/diffusion_alert'
import Station from '#models/station'
import { eventColumns } from '#models/table_columns'
import { EVENT_TYPES, type AntenneEvent } from '#events/event_types'
import { eventRow } from '#events/event_outbox'
import { ALERT_HORIZON_HOURS, type AlertThreshold, alertKey, dueAlerts } from '#events/risk_alerts'
import { NamedLease } from '#leases/named_lease'
import { DatabaseOutage } from '#health/database_outage'
import { type AtRisk, diffusionsAtRisk } from '#scheduling/diffusions_at_risk'

export interface RiskWatchOptions {
  /** Ms between checks (default: antenneConfig.events.riskCheckInterval). */
  interval?: number
  /** The time of a check (tests move it). */
  clock?: () => DateTime
  /** Who holds the lease (default: host:pid). */
  holder?: string
}

/** What a `diffusion_at_risk` event says. */
export function riskPayload({ diffusion, risk }: AtRisk, threshold: AlertThreshold, now: DateTime) {
  return {
    diffusion_id: diffusion.id,
    program: diffusion.program.title,
    episode: diffusion.episode.title,
    start: diffusion.start.toUTC().toISO(),
    rerun: diffusion.initialId !== null,
    threshold,
    starts_in_minutes: Math.round(diffusion.start.diff(now, 'minutes').minutes),
    risk: risk.kind,
    reason: risk.reason,
    problem: risk.problem,
    todo: risk.todo,
  }
}

export class RiskWatch {
  readonly intervalMs: number
  readonly lease: NamedLease
  readonly #clock: () => DateTime
  #timer: NodeJS.Timeout | null = null
  #checking: Promise<unknown> | null = null
  #stopped = false
  readonly #outage = new DatabaseOutage('risks', {
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
  })

  constructor(options: RiskWatchOptions = {}) {
    this.intervalMs = Math.max(100, options.interval ?? antenneConfig.events.riskCheckInterval)
    this.#clock = options.clock ?? (() => DateTime.utc())
    // Held three intervals: a holder that dies is replaced within three minutes, well inside the hour.
    this.lease = new NamedLease(
      'diffusion_risks',
      options.holder ?? `${hostname()}:${process.pid}`,
      this.intervalMs * 3
    )
  }

  /**
   * The first check comes an interval after the start: a restart delays an
   * alert by a minute at most (a threshold is reached, not missed), and a
   * deliverer started for a moment (a test, an outage's recovery) does none.
   */
  start() {
    this.#stopped = false
    this.#timer = setTimeout(() => void this.#tick(), this.intervalMs)
  }

  /** Waits for a check in flight, then gives the lease up. */
  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.#checking
    // Not given up, it expires on its own within three intervals: said, not thrown at a stopping process.
    await this.lease
      .release()
      .catch((error) => logger.warn(`risks: cannot give the lease up (${error.message})`))
  }

  /** One check if this process holds the lease; the alerts told. */
  async tick(): Promise<number> {
    if (!(await this.lease.hold())) return 0
    return this.check(this.#clock())
  }

  /**
   * Tells the alerts due at `now` at every active station, and returns how
   * many it told. Safe to run anywhere at any time: an alert told already,
   * here or by another process, is not told again.
   */
  async check(now: DateTime): Promise<number> {
    let told = 0
    const stations = await Station.query()
      .withScopes((s) => s.active())
      .orderBy('id')
    for (const station of stations) {
      const atRisk = await diffusionsAtRisk(station, {
        from: now,
        // Inclusive: a diffusion exactly 24 h away is due.
        to: now.plus({ hours: ALERT_HORIZON_HOURS, milliseconds: 1 }),
        now,
      })
      if (!atRisk.length) continue
      const already = await DiffusionAlert.query().whereIn(
        'diffusion_id',
        atRisk.map((a) => a.diffusion.id)
      )
      const due = dueAlerts(
        atRisk.map((a) => ({ id: a.diffusion.id, start: a.diffusion.start, atRisk: a })),
        new Set(already.map((a) => alertKey(a.diffusionId, a.threshold))),
        now
      )
      for (const { diffusion, threshold } of due) {
        if (await this.#tell(station, diffusion.atRisk, threshold, now)) told++
      }
    }
    return told
  }

  /** The alert and its event, both or neither; false when another process told it first. */
  async #tell(station: Station, atRisk: AtRisk, threshold: AlertThreshold, now: DateTime) {
    const event: AntenneEvent = {
      type: 'diffusion_at_risk',
      station: station.slug,
      level: EVENT_TYPES.diffusion_at_risk,
      at: now.toUTC().toISO()!,
      payload: riskPayload(atRisk, threshold, now),
    }
    try {
      await db.transaction(async (trx) => {
        await DiffusionAlert.create(
          { diffusionId: atRisk.diffusion.id, threshold, alertedAt: now },
          { client: trx }
        )
        await trx.table(eventColumns.table).insert(eventRow(event))
      })
    } catch (error) {
      const told = await DiffusionAlert.query()
        .where('diffusion_id', atRisk.diffusion.id)
        .where('threshold', threshold)
        .first()
      if (told) return false
      throw error
    }
    logger.warn(
      `risks: ${station.slug}: diffusion ${atRisk.diffusion.id} "${atRisk.diffusion.program.title}" ` +
        `at risk ${threshold} before (${atRisk.risk.kind}: ${atRisk.risk.problem}; ${atRisk.risk.todo})`
    )
    return true
  }

  async #tick() {
    this.#checking = this.tick().then(
      (told) => this.#outage.reached(told ? `${told} alert(s) told` : undefined),
      (error) => {
        // Said (an outage once), and tried again at the next tick: the watch never stops the deliverer.
        if (!this.#outage.failed(error))
          logger.warn(`risks: cannot check the diffusions at risk (${(error as Error).message})`)
      }
    )
    await this.#checking
    this.#checking = null
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#tick(), this.intervalMs)
  }
}
