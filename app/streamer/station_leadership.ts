/*
| One station on a node that shares it with others (ANTENNE_NODE): the I/O
| around lease_rules.ts.
|
| A standby keeps its Liquidsoap warm (running, outputs off, rotation held)
| and its playlists current, says so in streamer_nodes, and takes the lease
| as soon as it expires. The leader renews it on a loop of its own (a slow
| monitor tick never delays a renewal), tells its Liquidsoap until when it
| may play, and runs the station's monitor, whose log writes carry the
| lease's token. A leader that loses the lease, or cannot renew it in time,
| stops its monitor and its outputs and stands by.
*/
import { hostname } from 'node:os'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import type { EmitEvent, StationMonitor } from '#streamer/station_monitor'
import type { StationControl } from '#streamer/station_control'
import { StationLease, databaseNow } from '#streamer/station_lease'
import {
  afterRenew,
  fenceDeadline,
  renewInterval,
  standbyInterval,
  takeoverKind,
  type LeaseTiming,
  type RenewOutcome,
} from '#streamer/lease_rules'
import { within } from '#services/time_limit'
import type { Logger } from '#types/logger'

export interface LeadershipOptions {
  node: string
  timing: LeaseTiming
  /** Ms between two monitor ticks. */
  delay: number
  /** A fresh monitor for a new lease (its journal fenced with `token`). */
  monitor: (token: () => number | null) => StationMonitor
  /** The station's Liquidsoap, on a connection of its own (lease commands never wait behind a push). */
  control: StationControl
  /** Whether the station's Liquidsoap runs the current script (a standby's readiness). */
  ready: () => boolean
  /** A standby's playlists and script brought up to date (every `syncInterval` ms). */
  sync?: () => Promise<unknown>
  syncInterval?: number
  emit: EmitEvent
}

const HEARTBEAT_MS = 1000
/** What a step of the loop may take besides the lease's own queries (a sync, a first tick). */
const SLOW_MS = 2000

export class StationLeadership {
  readonly station: Station
  readonly lease: StationLease
  readonly #options: LeadershipOptions
  readonly #logger: Logger
  role: 'standby' | 'leader' = 'standby'
  token: number | null = null
  /** Until when this node's outputs may be on (this host's clock). */
  deadline = 0
  monitor: StationMonitor | null = null
  #stopped = false
  #loop: Promise<void> | null = null
  #monitorLoop: Promise<void> | null = null
  #wake: (() => void) | null = null
  #heartbeatAt = 0
  #syncedAt = Date.now()
  #problem: string | null = null

  constructor(station: Station, options: LeadershipOptions, logger: Logger) {
    this.station = station
    this.#options = options
    this.#logger = logger
    this.lease = new StationLease(station.id, options.node, options.timing.durationMs)
  }

  start() {
    this.#loop = this.#run()
  }

  async #run() {
    while (!this.#stopped) {
      try {
        if (this.role === 'leader') await this.#renew()
        else await this.#standBy()
        await this.#heartbeat()
      } catch (error) {
        this.#say('warn', `lease: ${(error as Error).message.split('\n')[0]}`)
      }
      const wait =
        this.role === 'leader'
          ? renewInterval(this.#options.timing)
          : standbyInterval(this.#options.timing)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait)
        this.#wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  /** A standby: take the lease when it is free and the local Liquidsoap is ready for it. */
  async #standBy() {
    const now = Date.now()
    if (this.#options.sync && now - this.#syncedAt >= (this.#options.syncInterval ?? 60_000)) {
      this.#syncedAt = now
      await within(SLOW_MS, this.#options.sync()).catch((error) => {
        this.#say('warn', `standby: cannot bring the playlists up to date (${error.message})`)
      })
    }
    if (!this.#options.ready()) return
    const status = await this.#options.control.status().catch(() => null)
    if (!status) return
    const sentAt = Date.now()
    // The monitor of an earlier lease of this node has ended its last tick (bounded: a tick
    // stuck on the database writes nothing, its token is not the new lease's... or is, and
    // then it is this node's own log).
    await within(SLOW_MS, this.#monitorLoop ?? Promise.resolve()).catch(() => {})
    const token = await within(this.#timeout, this.lease.acquire()).catch(() => null)
    if (token === null) return
    if (this.#stopped) {
      // Stopping while the lease was being taken: given back at once, never on air.
      await within(this.#timeout, this.lease.release(token)).catch(() => {})
      return
    }
    const kind = takeoverKind(status.leaseUntil, Date.now())
    const previous = await within(this.#timeout, this.#previousHolder()).catch(() => null)
    if (kind === 'takeover') await this.#options.control.takeover()
    this.token = token
    this.role = 'leader'
    this.deadline = fenceDeadline(sentAt, this.#options.timing)
    // Its journal writes with this lease's token, never a later one's.
    const monitor = this.#options.monitor(() => (this.monitor === monitor ? token : null))
    this.monitor = monitor
    // The first tick queues the diffusion to resume and releases the rotation;
    // only then do the outputs come on, so that listeners come back to it.
    await within(SLOW_MS, monitor.tick()).catch((error) => {
      this.#say('error', `first tick as leader failed: ${error.message}`)
    })
    await this.#extend(this.deadline)
    this.#monitorLoop = this.#monitorTicks(monitor)
    const takeoverMs = Date.now() - sentAt
    this.#say(
      'info',
      `${kind === 'takeover' ? 'took over' : 'leads again'} with lease ${token}${previous ? ` (from ${previous})` : ''}, on air in ${takeoverMs} ms`
    )
    this.#options.emit('streamer_took_over', this.station.slug, {
      node: this.#options.node,
      host: hostname(),
      token,
      previous,
      resumed: kind === 'takeover',
      on_air_ms: takeoverMs,
    })
  }

  /** The node that held the lease before this one took it (from streamer_nodes: who said it led). */
  async #previousHolder(): Promise<string | null> {
    const row = await db
      .from('streamer_nodes')
      .where('station_id', this.station.id)
      .where('role', 'leader')
      .whereNot('node', this.#options.node)
      .orderBy('seen_at', 'desc')
      .select('node')
      .first()
      .catch(() => null)
    return row?.node ?? null
  }

  /** A leader: renew, extend the outputs, or step down. */
  async #renew() {
    const sentAt = Date.now()
    let outcome: RenewOutcome
    try {
      outcome = (await within(this.#timeout, this.lease.renew(this.token!))) ? 'renewed' : 'taken'
      this.#recovered()
    } catch (error) {
      outcome = 'unreachable'
      this.#failed(`cannot renew the lease (${(error as Error).message.split('\n')[0]})`)
    }
    const action = afterRenew(outcome, sentAt, this.deadline, Date.now(), this.#options.timing)
    if (action.kind === 'extend') {
      this.deadline = action.until
      await this.#extend(action.until)
    } else if (action.kind === 'step_down') {
      await this.#stepDown(action.reason)
    }
  }

  /** Each query of the lease gives up before the outputs would have to stop. */
  get #timeout() {
    return renewInterval(this.#options.timing)
  }

  async #extend(until: number) {
    await this.#options.control.lease(until).catch((error) => {
      // Its outputs stop by themselves at the last instant it was told.
      this.#say('warn', `cannot extend the outputs' lease (${error.message})`)
    })
  }

  async #stepDown(reason: 'taken' | 'unreachable' | 'stopping') {
    const token = this.token
    this.role = 'standby'
    this.token = null
    this.deadline = 0
    // The monitor's loop ends at its next turn; a tick stuck on the database writes nothing (no token).
    this.monitor = null
    await this.#options.control.standby().catch(() => {})
    if (reason === 'stopping') {
      await within(SLOW_MS, this.#monitorLoop ?? Promise.resolve()).catch(() => {})
      if (token !== null) await within(this.#timeout, this.lease.release(token)).catch(() => {})
      return
    }
    this.#say(
      'error',
      reason === 'taken'
        ? `lost the lease ${token}: another node leads the station; standing by`
        : `cannot reach the database to renew the lease ${token}: outputs stopped, standing by`
    )
    this.#options.emit('streamer_lost_lease', this.station.slug, {
      node: this.#options.node,
      host: hostname(),
      token,
      reason,
    })
  }

  /** The monitor of one lease, ticking until the lease ends or its deadline passes. */
  async #monitorTicks(monitor: StationMonitor) {
    while (this.monitor === monitor && !this.#stopped) {
      const started = Date.now()
      // Past the deadline this node is not on air: nothing to observe, nothing to start.
      if (Date.now() < this.deadline) {
        try {
          await monitor.tick()
        } catch (error) {
          this.#say('error', `monitor tick failed: ${(error as Error).message}`)
        }
      }
      const wait = Math.max(0, this.#options.delay - (Date.now() - started))
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  }

  /** What this node is for the station, for doctor (best effort: the lease matters, not this). */
  async #heartbeat() {
    const now = Date.now()
    if (now - this.#heartbeatAt < HEARTBEAT_MS) return
    this.#heartbeatAt = now
    const client = db.connection()
    const ready = this.#options.ready()
    const row = {
      role: this.role,
      ready,
      token: this.token,
      detail: `${hostname()} pid ${process.pid}${ready ? '' : ', Liquidsoap not ready'}`.slice(
        0,
        255
      ),
      seen_at: db.knexRawQuery(databaseNow(client)),
    }
    const key = { node: this.#options.node, station_id: this.station.id }
    await within(
      this.#timeout,
      (async () => {
        const updated = await client.from('streamer_nodes').where(key).update(row)
        if (Number(updated) === 0) await client.table('streamer_nodes').insert({ ...key, ...row })
      })()
    ).catch(() => {})
  }

  /** Outputs off and the lease given up, so that a standby takes over at once. */
  async stop() {
    this.#stopped = true
    this.#wake?.()
    // Each step of the loop is bounded: a stop takes seconds, whatever the database does.
    await within(3 * SLOW_MS, this.#loop ?? Promise.resolve()).catch(() => {})
    if (this.role === 'leader') await this.#stepDown('stopping')
    await within(
      this.#timeout,
      db
        .from('streamer_nodes')
        .where('node', this.#options.node)
        .where('station_id', this.station.id)
        .delete()
    ).catch(() => {})
  }

  #say(level: 'info' | 'warn' | 'error', message: string) {
    this.#logger[level](`[${this.station.slug}] ${message}`)
  }

  #failed(message: string) {
    if (message !== this.#problem) this.#say('error', message)
    this.#problem = message
  }

  #recovered() {
    if (this.#problem) this.#say('info', 'the lease renews again')
    this.#problem = null
  }
}
