/*
| Listener statistics: every interval, each server of the stations' Icecast
| outputs is asked its mounts (/status-json.xsl, one request per server), a
| sample is stored per output mount, and, where the output has Icecast's
| admin account, the list of listeners (/admin/listclients) becomes
| sessions: hashed address, user agent, start, duration. A station that
| beats its listener peak of the day gets a listener_peak event.
|
| Every active edge relay is polled the same way, with its own admin
| account: its samples and sessions carry its edge_id (null at the origin).
| At the origin the edges' relay connections are no listeners: they are left
| out of its sessions and counted out of its samples. An edge that does not
| answer is a failure of that edge alone, and, twice in a row, edge_down.
*/
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { appKey } from '#config/app'
import antenneConfig from '#config/antenne'
import Output from '#models/output'
import Edge from '#models/edge'
import {
  EdgeWatch,
  edgeAddresses,
  edgeVerdict,
  fetchIcecastStatus,
  isRelayClient,
  type EdgeVerdict,
} from '#edges/edge_health'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { events } from '#events/event_outbox'
import {
  parseListClients,
  parseStatusJson,
  type IcecastClient,
  type MountStatus,
} from '#stats/icecast_status'
import { DatabaseOutage } from '#health/database_outage'
import type { Logger } from '#types/logger'

export interface CollectReport {
  samples: number
  sessionsOpened: number
  sessionsClosed: number
  failures: number
}

/** The address, hashed with the app key: the same listener is recognised, no address is kept. */
export function hashAddress(ip: string): string {
  return createHash('sha256').update(`${appKey.release()}|${ip}`).digest('hex')
}

async function get(url: string, auth: string | null, timeout: number) {
  const response = await fetch(url, {
    headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
    signal: AbortSignal.timeout(timeout),
  }).catch((error) => {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new Error(cause?.code ?? cause?.message ?? (error as Error).message)
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url.replace(/\?.*/, '')}`)
  return text
}

export class ListenerCollector {
  readonly #logger: Logger
  readonly #timeout: number
  /** Per station: its day (in its zone) and the highest total seen that day. */
  #peaks = new Map<number, { day: string; max: number }>()
  #failing = new Set<string>()
  readonly #edges = new EdgeWatch()
  #timer: NodeJS.Timeout | null = null
  #running: Promise<unknown> | null = null
  readonly #outage: DatabaseOutage

  constructor(logger: Logger, timeout = 3000) {
    this.#logger = logger
    this.#timeout = timeout
    this.#outage = new DatabaseOutage('listeners', logger)
  }

  async collect(now = DateTime.utc()): Promise<CollectReport> {
    const report: CollectReport = { samples: 0, sessionsOpened: 0, sessionsClosed: 0, failures: 0 }
    const outputs = await Output.query()
      .where('type', 'icecast')
      .where('active', true)
      .whereNotNull('host')
      .whereNotNull('port')
      .whereNotNull('mount')
      .whereHas('station', (q) => q.where('active', true))
      .preload('station')
    const edges = await Edge.query()
      .withScopes((s) => s.active())
      .preload('stations')
      .orderBy('id')
    const totals = new Map<number, number>()
    const count = (stationId: number, listeners: number) =>
      totals.set(stationId, (totals.get(stationId) ?? 0) + listeners)
    // Per origin mount (host:port + mount): the edges relaying it now, the relays to discount there.
    const relayed = new Map<string, number>()

    // The edges first: each one's failure is its own, and what they relay is known at the origin.
    for (const edge of edges) {
      const ids = edge.stations.map((s) => s.id)
      const list = outputs.filter((o) => edge.relays(o.stationId, ids))
      const status = await fetchIcecastStatus(edge.base, this.#timeout)
      this.#watchEdge(
        edge,
        edgeVerdict(
          list.map((o) => o.mount!),
          status
        ),
        now
      )
      if (status instanceof Error) {
        report.failures++
        this.#failed(edge.base, `edge ${edge.name} at ${edge.base}: ${status.message}`)
        continue
      }
      this.#recovered(edge.base)
      for (const output of list) {
        const mount = status.find((m) => m.mount === output.mount)
        if (mount) {
          const key = `http://${output.host}:${output.port}${output.mount}`
          relayed.set(key, (relayed.get(key) ?? 0) + 1)
        }
        const clients = mount
          ? await this.#clients(
              edge.base,
              output.mount!,
              edge.adminUser,
              edge.adminPassword,
              report
            )
          : []
        await this.#sample(output, edge.id, mount?.listeners ?? 0, mount?.peak ?? 0, now)
        report.samples++
        count(output.stationId, mount?.listeners ?? 0)
        if (clients === null) continue
        const synced = await this.#syncSessions(
          output.stationId,
          output.mount!,
          edge.id,
          clients,
          now
        )
        report.sessionsOpened += synced.opened
        report.sessionsClosed += synced.closed
      }
    }

    const servers = new Map<string, Output[]>()
    for (const output of outputs) {
      const base = `http://${output.host}:${output.port}`
      servers.set(base, [...(servers.get(base) ?? []), output])
    }
    const addresses = edges.length ? await edgeAddresses(edges) : new Set<string>()
    for (const [base, list] of servers) {
      let mounts: MountStatus[]
      try {
        mounts = parseStatusJson(await get(`${base}/status-json.xsl`, null, this.#timeout))
        this.#recovered(base)
      } catch (error) {
        report.failures++
        this.#failed(base, `Icecast at ${base}: ${(error as Error).message}`)
        continue
      }
      for (const output of list) {
        const status = mounts.find((m) => m.mount === output.mount) ?? {
          mount: output.mount!,
          listeners: 0,
          peak: 0,
        }
        // No source on the mount: nobody listens (and Icecast answers 400 for its list).
        const clients =
          output.adminUser && output.adminPassword && mounts.some((m) => m.mount === output.mount)
            ? await this.#clients(
                base,
                output.mount!,
                output.adminUser,
                output.adminPassword,
                report
              )
            : output.adminUser && output.adminPassword
              ? []
              : null
        const listeners = clients?.filter((c) => !isRelayClient(c, addresses))
        // The edges' relays are no listeners: counted out by their list, else by what the edges relay.
        const audience = listeners
          ? Math.max(0, status.listeners - (clients!.length - listeners.length))
          : Math.max(0, status.listeners - (relayed.get(`${base}${output.mount}`) ?? 0))
        await this.#sample(output, null, audience, status.peak, now)
        report.samples++
        count(output.stationId, audience)
        if (!listeners) continue
        const synced = await this.#syncSessions(
          output.stationId,
          output.mount!,
          null,
          listeners,
          now
        )
        report.sessionsOpened += synced.opened
        report.sessionsClosed += synced.closed
      }
    }
    for (const output of outputs) {
      if (!totals.has(output.stationId)) continue
      await this.#checkPeak(
        output.station.id,
        output.station.slug,
        output.station.timezone,
        totals.get(output.stationId)!,
        now
      )
      totals.delete(output.stationId)
    }
    return report
  }

  async #sample(
    output: Output,
    edgeId: number | null,
    listeners: number,
    peak: number,
    now: DateTime
  ) {
    await db.table('listener_samples').insert({
      station_id: output.stationId,
      edge_id: edgeId,
      mount: output.mount,
      at: sqlDateTime(now),
      listeners,
      peak,
    })
  }

  /** A mount's clients, or null (a failure of that server's list, counted once in the report). */
  async #clients(
    base: string,
    mount: string,
    user: string,
    password: string,
    report: CollectReport
  ) {
    const key = `${base}${mount}`
    try {
      const xml = await get(
        `${base}/admin/listclients?mount=${encodeURIComponent(mount)}`,
        `${user}:${password}`,
        this.#timeout
      )
      this.#recovered(key)
      return parseListClients(xml)
    } catch (error) {
      report.failures++
      this.#failed(key, `Icecast listeners of ${key}: ${(error as Error).message}`)
      return null
    }
  }

  /** edge_down / edge_up, with hysteresis (app/edges/edge_health.ts). */
  #watchEdge(edge: Edge, verdict: EdgeVerdict, now: DateTime) {
    const change = this.#edges.observe(edge.name, verdict)
    if (!change) return
    events.emit(change.type, null, { edge: edge.name, url: edge.base, reason: change.reason }, now)
    if (change.type === 'edge_down')
      this.#logger.warn(`edge ${edge.name} is down: ${change.reason}`)
    else this.#logger.info(`edge ${edge.name} is up again`)
  }

  /** Opens a session per new client, updates those still there, closes those gone. */
  async #syncSessions(
    stationId: number,
    mount: string,
    edgeId: number | null,
    clients: IcecastClient[],
    now: DateTime
  ) {
    const open = await db
      .from('listener_sessions')
      .where('station_id', stationId)
      .where('mount', mount)
      .where((q) => (edgeId === null ? q.whereNull('edge_id') : q.where('edge_id', edgeId)))
      .whereNull('ended_at')
      .select('id', 'client_id', 'ip_hash', 'last_seen_at')
    const byClient = new Map(open.map((row) => [String(row.client_id), row]))
    const stamp = sqlDateTime(now)
    let opened = 0
    for (const client of clients) {
      const row = byClient.get(client.id)
      const ipHash = hashAddress(client.ip)
      // Icecast reuses ids after a restart: a different address is another listener.
      if (row && row.ip_hash === ipHash) {
        await db
          .from('listener_sessions')
          .where('id', row.id)
          .update({ last_seen_at: stamp, duration: client.connected })
        byClient.delete(client.id)
        continue
      }
      await db.table('listener_sessions').insert({
        station_id: stationId,
        edge_id: edgeId,
        mount,
        client_id: client.id,
        ip_hash: ipHash,
        user_agent: client.userAgent?.slice(0, 255) ?? null,
        started_at: sqlDateTime(now.minus({ seconds: client.connected })),
        last_seen_at: stamp,
        duration: client.connected,
        ended_at: null,
      })
      opened++
    }
    // Gone since the last poll: ended at their last sighting.
    for (const row of byClient.values()) {
      await db
        .from('listener_sessions')
        .where('id', row.id)
        .update({ ended_at: sqlDateTime(fromSqlDateTime(row.last_seen_at)!) })
    }
    return { opened, closed: byClient.size }
  }

  async #checkPeak(
    stationId: number,
    slug: string,
    zone: string,
    listeners: number,
    now: DateTime
  ) {
    const day = now.setZone(zone).toISODate()!
    let known = this.#peaks.get(stationId)
    if (!known || known.day !== day) {
      const start = now.setZone(zone).startOf('day')
      const row = await db
        .from('listener_samples')
        .where('station_id', stationId)
        .where('at', '>=', sqlDateTime(start))
        .where('at', '<', sqlDateTime(now))
        .select('at')
        .sum('listeners as total')
        .groupBy('at')
        .orderBy('total', 'desc')
        .first()
      known = { day, max: Number(row?.total ?? 0) }
      this.#peaks.set(stationId, known)
    }
    if (listeners > known.max) {
      known.max = listeners
      events.emit('listener_peak', slug, { listeners, day }, now)
    }
  }

  /** Deletes samples and ended sessions older than the retention. */
  async prune(now = DateTime.utc()) {
    const before = sqlDateTime(now.minus({ days: antenneConfig.listeners.retentionDays }))
    const samples = await db.from('listener_samples').where('at', '<', before).delete()
    const sessions = await db
      .from('listener_sessions')
      .whereNotNull('ended_at')
      .where('ended_at', '<', before)
      .delete()
    return { samples: Number(samples), sessions: Number(sessions) }
  }

  start(interval = antenneConfig.listeners.interval * 1000) {
    const loop = async () => {
      this.#running = this.#poll()
      await this.#running
      this.#timer = setTimeout(loop, interval)
    }
    void loop()
  }

  /** One poll of the loop: a database outage is one line when it begins and one when it ends. */
  async #poll() {
    try {
      const report = await this.collect()
      this.#outage.reached(
        `${report.samples} sample(s), ${report.sessionsOpened} session(s) opened and ${report.sessionsClosed} closed by the first poll`
      )
    } catch (error) {
      if (!this.#outage.failed(error)) this.#logger.warn(`listeners: ${(error as Error).message}`)
    }
  }

  async stop() {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.#running
  }

  #failed(key: string, message: string) {
    if (!this.#failing.has(key)) this.#logger.warn(`${message}; retrying every poll`)
    this.#failing.add(key)
  }

  #recovered(key: string) {
    if (this.#failing.delete(key)) this.#logger.info(`${key} answers again`)
  }
}
