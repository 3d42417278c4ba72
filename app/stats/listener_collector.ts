/*
| Listener statistics: every interval, each server of the stations' Icecast
| outputs is asked its mounts (/status-json.xsl, one request per server), a
| sample is stored per output mount, and, where the output has Icecast's
| admin account, the list of listeners (/admin/listclients) becomes
| sessions: hashed address, user agent, start, duration. A station that
| beats its listener peak of the day gets a listener_peak event.
*/
import { createHash } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { appKey } from '#config/app'
import antenneConfig from '#config/antenne'
import Output from '#models/output'
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
    const servers = new Map<string, Output[]>()
    for (const output of outputs) {
      const base = `http://${output.host}:${output.port}`
      servers.set(base, [...(servers.get(base) ?? []), output])
    }
    const totals = new Map<number, number>()
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
        await db.table('listener_samples').insert({
          station_id: output.stationId,
          mount: status.mount,
          at: sqlDateTime(now),
          listeners: status.listeners,
          peak: status.peak,
        })
        report.samples++
        totals.set(output.stationId, (totals.get(output.stationId) ?? 0) + status.listeners)
        if (!output.adminUser || !output.adminPassword) continue
        const key = `${base}${output.mount}`
        // No source on the mount: nobody listens (and Icecast answers 400 for its list).
        if (!mounts.some((m) => m.mount === output.mount)) {
          report.sessionsClosed += (
            await this.#syncSessions(output.stationId, output.mount!, [], now)
          ).closed
          continue
        }
        try {
          const xml = await get(
            `${base}/admin/listclients?mount=${encodeURIComponent(output.mount!)}`,
            `${output.adminUser}:${output.adminPassword}`,
            this.#timeout
          )
          const { opened, closed } = await this.#syncSessions(
            output.stationId,
            output.mount!,
            parseListClients(xml),
            now
          )
          report.sessionsOpened += opened
          report.sessionsClosed += closed
          this.#recovered(key)
        } catch (error) {
          report.failures++
          this.#failed(key, `Icecast listeners of ${key}: ${(error as Error).message}`)
        }
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

  /** Opens a session per new client, updates those still there, closes those gone. */
  async #syncSessions(stationId: number, mount: string, clients: IcecastClient[], now: DateTime) {
    const open = await db
      .from('listener_sessions')
      .where('station_id', stationId)
      .where('mount', mount)
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
