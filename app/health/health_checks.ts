/*
| What `node ace doctor` and `GET /health` check: the walk an operator does
| by hand at 3 a.m. (database, migrations, each station's Liquidsoap and
| Icecast, disk, memory, load, the on-air log), one verdict per line with
| the fix to try.
*/
import { readdir, readFile, statfs } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { basename, extname } from 'node:path'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { fallbackMount } from '#streamer/icecast_config'
import antenneConfig from '#config/antenne'
import Station from '#models/station'
import { fromSqlDateTime } from '#models/columns'
import { StationControl } from '#streamer/station_control'
import type { OnAirStatus } from '#streamer/on_air_status'
import { stationPaths } from '#streamer/station_config'
import { outboxEnd } from '#events/event_deliverer'
import { eventColumns, eventSinkColumns, logColumns } from '#models/table_columns'
import { radiovisChecks } from '#health/radiovis_checks'
import { playoutChecks } from '#health/playout_checks'
import { edgeChecks } from '#edges/edge_checks'

export interface HealthCheck {
  name: string
  ok: boolean
  detail: string
  /** What to try when it fails. */
  fix?: string
  /** Failing, but the node still serves (an edge down while others relay): not a failure of the whole. */
  degraded?: boolean
}

/** The whole verdict: `degraded` when only degraded checks fail. */
export function overallStatus(checks: HealthCheck[]): 'ok' | 'degraded' | 'fail' {
  if (checks.some((c) => !c.ok && !c.degraded)) return 'fail'
  return checks.some((c) => !c.ok) ? 'degraded' : 'ok'
}

export interface HealthSettings {
  /** Free space under which a folder fails: bytes, and a share of the disk. */
  minFreeBytes: number
  minFreeShare: number
  /** Available memory under this share of the total fails. */
  minFreeMemory: number
  /** A 1-minute load per core over this fails. */
  maxLoadPerCore: number
  /** An on-air log older than this (ms) while Liquidsoap answers fails: the monitor is not logging. */
  maxOnAirAge: number
  /** ms per network question (Liquidsoap socket, Icecast). */
  timeout: number
  /** An event waiting longer than this (ms) for a sink fails: the sink or the deliverer is down. */
  maxOutboxAge?: number
}

const pass = (name: string, detail: string): HealthCheck => ({ name, ok: true, detail })
const fail = (name: string, detail: string, fix: string): HealthCheck => ({
  name,
  ok: false,
  detail,
  fix,
})

function bytes(n: number) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`
}

function ago(ms: number) {
  const minutes = Math.round(ms / 60_000)
  return minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`
}

async function databaseChecks(): Promise<HealthCheck[]> {
  const connection = db.primaryConnectionName
  try {
    await db.rawQuery('select 1')
  } catch (error) {
    return [
      fail(
        'database',
        `cannot reach the ${connection} database: ${(error as Error).message}`,
        connection === 'mysql'
          ? 'start MariaDB (systemctl start mariadb) and check MYSQL_HOST, MYSQL_USER, MYSQL_PASSWORD, MYSQL_DB_NAME'
          : 'check SQLITE_PATH and that its folder is writable'
      ),
    ]
  }
  const files = (await readdir(app.makePath('database/migrations')).catch(() => [] as string[]))
    .filter((file) => ['.ts', '.js'].includes(extname(file)))
    .map((file) => basename(file, extname(file)))
  const applied = new Set(
    (
      await db
        .from('adonis_schema')
        .select('name')
        .catch(() => [] as Array<{ name: string }>)
    ).map((row: { name: string }) => basename(row.name))
  )
  const pending = files.filter((file) => !applied.has(file))
  return [
    pass('database', `${connection} reachable`),
    !applied.size && files.length
      ? fail('migrations', 'not run', 'node ace migration:run --force')
      : pending.length
        ? fail(
            'migrations',
            `${pending.length} not run (first: ${pending[0]})`,
            'node ace migration:run --force'
          )
        : pass('migrations', `${files.length} run`),
  ]
}

async function icecastCheck(
  name: string,
  output: {
    host: string | null
    port: number | null
    mount: string | null
    password: string | null
  },
  up: boolean | undefined,
  timeout: number
) {
  const base = `http://${output.host}:${output.port}`
  const mount = output.mount?.startsWith('/') ? output.mount : `/${output.mount ?? ''}`
  try {
    // Source credentials may ask for a mount's client list: 401 says the password is wrong.
    const response = await fetch(`${base}/admin/listclients?mount=${encodeURIComponent(mount)}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`source:${output.password ?? ''}`).toString('base64')}`,
      },
      signal: AbortSignal.timeout(timeout),
    })
    await response.body?.cancel()
    if (response.status === 401)
      return fail(
        name,
        `Icecast at ${base} refuses the source password`,
        "set the output's password to the <source-password> of icecast.xml"
      )
    if (response.status === 200) return pass(name, `${base}${mount} is live`)
    // 400 "Source does not exist": Icecast answers, nothing streams to the mount.
    return up === false || up === undefined
      ? fail(
          name,
          `Icecast at ${base} answers, but ${mount} has no source`,
          "start the streamer, then read <station dir>/liquidsoap.log for the output's errors"
        )
      : pass(name, `${base} answers`)
  } catch (error) {
    return fail(
      name,
      `Icecast at ${base} does not answer (${(error as Error).cause ? String((error as Error & { cause: { code?: string } }).cause.code ?? (error as Error).message) : (error as Error).message})`,
      "start Icecast (systemctl start icecast2) or fix the output's host and port"
    )
  }
}

type IcecastOutput = {
  host: string | null
  port: number | null
  mount: string | null
  password: string | null
  adminUser: string | null
  adminPassword: string | null
}

/**
 * The mount's fallback: fed (the monitor streams to it) and known to Icecast
 * as the mount's fallback, so that listeners are moved there, not dropped.
 */
async function fallbackCheck(name: string, output: IcecastOutput, timeout: number) {
  const base = `http://${output.host}:${output.port}`
  const mount = output.mount ?? ''
  const fallback = fallbackMount(mount)
  const auth = (user: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  })
  const fix = `node ace icecast:config prints the <mount> sections to put in icecast.xml, then reload Icecast`
  try {
    const fed = await fetch(`${base}/admin/listclients?mount=${encodeURIComponent(fallback)}`, {
      headers: auth('source', output.password ?? ''),
      signal: AbortSignal.timeout(timeout),
    })
    await fed.body?.cancel()
    if (fed.status !== 200)
      return fail(
        name,
        `${fallback} has no source: listeners would be dropped if Liquidsoap stopped`,
        'run the monitor (node ace streamer --monitor), which feeds it; its log says why it cannot'
      )
    if (!output.adminUser || !output.adminPassword)
      return pass(
        name,
        `${fallback} is fed (give the output Icecast's admin account to check that ${mount} falls back to it)`
      )
    const mounts = await fetch(`${base}/admin/listmounts`, {
      headers: auth(output.adminUser, output.adminPassword),
      signal: AbortSignal.timeout(timeout),
    })
    const text = await mounts.text()
    if (mounts.status !== 200)
      return pass(
        name,
        `${fallback} is fed (Icecast refused the admin account: ${mounts.status}, so the fallback of ${mount} is not checked)`
      )
    const configured = new RegExp(
      `<source mount="${mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"><fallback>([^<]*)</fallback>`
    ).exec(text)?.[1]
    if (configured === undefined)
      return pass(
        name,
        `${fallback} is fed (${mount} has no source now, so its fallback is not checked)`
      )
    if (configured !== fallback)
      return fail(
        name,
        `${mount} falls back to "${configured || 'nothing'}", not ${fallback}: listeners are dropped when Liquidsoap stops`,
        fix
      )
    return pass(name, `${mount} falls back to ${fallback}, which is fed`)
  } catch (error) {
    return fail(
      name,
      `Icecast at ${base} does not answer (${(error as Error).message})`,
      "start Icecast (systemctl start icecast2) or fix the output's host and port"
    )
  }
}

async function stationChecks(settings: HealthSettings): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = []
  const stations = await Station.query()
    .withScopes((s) => s.active())
    .preload('outputs')
    .orderBy('id')
  for (const station of stations) {
    const name = `station ${station.slug}`
    const paths = stationPaths(station)
    let status: OnAirStatus | null = null
    const control = StationControl.at({ path: paths.socket }, { timeout: settings.timeout })
    try {
      status = await control.status()
      checks.push(
        pass(`${name}: liquidsoap`, `answers on ${paths.socket}, on air: ${status.active}`)
      )
    } catch (error) {
      checks.push(
        fail(
          `${name}: liquidsoap`,
          `no answer on ${paths.socket} (${(error as Error).message})`,
          `start the streamer (node ace streamer --config --run --monitor, or systemctl start antenne-liquidsoap antenne-streamer); its log: ${paths.log}`
        )
      )
    } finally {
      await control.close().catch(() => {})
    }
    for (const output of station.outputs.filter((o) => o.active && o.type === 'icecast')) {
      checks.push(
        await icecastCheck(
          `${name}: icecast ${output.mount}`,
          output,
          status?.outputs[`output_${output.id}`],
          settings.timeout
        )
      )
      checks.push(
        await fallbackCheck(`${name}: fallback of ${output.mount}`, output, settings.timeout)
      )
    }
    const l = logColumns
    const last = await db
      .from(l.table)
      .where(l.name('stationId'), station.id)
      .where(l.name('type'), 'on_air')
      .max(`${l.name('date')} as date`)
      .first()
    const at = fromSqlDateTime(last?.date)
    if (!at) {
      checks.push(
        status
          ? fail(`${name}: on-air log`, 'nothing logged yet', 'run the streamer with --monitor')
          : pass(`${name}: on-air log`, 'nothing logged yet')
      )
    } else {
      const age = Date.now() - at.toMillis()
      checks.push(
        status && age > settings.maxOnAirAge
          ? fail(
              `${name}: on-air log`,
              `last entry ${ago(age)} while Liquidsoap plays`,
              'run the streamer with --monitor (or read its output for a failing tick)'
            )
          : pass(`${name}: on-air log`, `last entry ${ago(age)}`)
      )
    }
  }
  return checks
}

/**
 * Events waiting for each active sink (the oldest one's age, and the last
 * error), and events spooled by processes that could not reach the database.
 */
async function outboxChecks(settings: HealthSettings): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = []
  const maxAge = settings.maxOutboxAge ?? 600_000
  const [k, e] = [eventSinkColumns, eventColumns]
  const sinks = await db
    .from(k.table)
    .where(k.name('active'), true)
    .select(k.list('name', 'cursor', 'attempts', 'lastError'))
    .orderBy(k.name('name'))
  const end = await outboxEnd()
  for (const sink of sinks) {
    const name = `events: sink ${sink.name}`
    const waiting = Math.max(0, end - Number(sink.cursor))
    if (!waiting) {
      checks.push(pass(name, 'nothing waiting'))
      continue
    }
    const oldest = await db
      .from(e.table)
      .where(e.name('id'), '>', sink.cursor)
      .orderBy(e.name('id'))
      .select(e.name('occurredAt'))
      .first()
    const age = oldest ? Date.now() - fromSqlDateTime(oldest.occurred_at)!.toMillis() : 0
    const detail = `${waiting} event(s) waiting, the oldest ${ago(age)}${sink.last_error ? `; last error: ${sink.last_error}` : ''}`
    checks.push(
      age > maxAge
        ? fail(
            name,
            detail,
            sink.attempts
              ? 'make the sink reachable again (its URL, key, network); it catches up by itself'
              : 'start the deliverer: node ace events:deliver (systemctl start antenne-events)'
          )
        : pass(name, detail)
    )
  }
  const spooled = (await readdir(antenneConfig.events.spoolDir).catch(() => [] as string[])).filter(
    (f) => f.endsWith('.jsonl')
  )
  if (spooled.length) {
    checks.push(
      fail(
        'events: spool',
        `${spooled.length} process(es) spooled events in ${antenneConfig.events.spoolDir}: the database was unreachable`,
        'they are written when the database answers; a spool of a process that died is taken by the next events:deliver'
      )
    )
  }
  return checks
}

export async function diskCheck(
  name: string,
  folder: string,
  settings: HealthSettings
): Promise<HealthCheck> {
  try {
    const fs = await statfs(folder)
    const free = fs.bavail * fs.bsize
    const share = free / (fs.blocks * fs.bsize)
    const detail = `${bytes(free)} free (${(share * 100).toFixed(0)} %) in ${folder}`
    return free < settings.minFreeBytes || share < settings.minFreeShare
      ? fail(
          name,
          detail,
          `free some space, or move the folder to a larger disk (under ${bytes(settings.minFreeBytes)} or ${settings.minFreeShare * 100} % fails)`
        )
      : pass(name, detail)
  } catch (error) {
    return fail(
      name,
      `cannot read ${folder} (${(error as NodeJS.ErrnoException).code})`,
      'create the folder, or fix its path in .env'
    )
  }
}

async function systemChecks(settings: HealthSettings): Promise<HealthCheck[]> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '')
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024
  const total = kib('MemTotal')
  const available = kib('MemAvailable')
  const load = loadavg()[0] / availableParallelism()
  return [
    !total || available / total >= settings.minFreeMemory
      ? pass(
          'memory',
          total
            ? `${bytes(available)} available of ${bytes(total)}`
            : 'not measured (no /proc/meminfo)'
        )
      : fail(
          'memory',
          `${bytes(available)} available of ${bytes(total)}`,
          'find what uses the memory (top -o %MEM)'
        ),
    load <= settings.maxLoadPerCore
      ? pass('load', `${load.toFixed(2)} per core (1 min)`)
      : fail(
          'load',
          `${load.toFixed(2)} per core (1 min)`,
          'find what uses the CPU (top); playout needs headroom'
        ),
  ]
}

export async function runHealthChecks(
  settings: HealthSettings = antenneConfig.health
): Promise<HealthCheck[]> {
  const checks = await databaseChecks()
  const databaseUp = checks[0].ok
  if (databaseUp) {
    // Tables the migrations have not made yet (a database never migrated, or
    // an upgrade not finished) fail the migrations check, with its fix; any
    // other error is a failing line of its own, never a crash of the walk.
    const migrated = checks[1].ok
    const unreadable = (name: string) => (error: Error) =>
      migrated
        ? [
            fail(
              name,
              `cannot be read: ${error.message}`,
              'read the error above; node ace doctor again once it is fixed'
            ),
          ]
        : []
    checks.push(...(await stationChecks(settings).catch(unreadable('stations'))))
    checks.push(...(await outboxChecks(settings).catch(unreadable('events'))))
    checks.push(...(await radiovisChecks(settings.timeout).catch(unreadable('radiovis'))))
    checks.push(...(await playoutChecks().catch(unreadable('playout'))))
    checks.push(...(await edgeChecks(settings.timeout).catch(unreadable('edges'))))
  }
  checks.push(await diskCheck('disk: programs', antenneConfig.programsDir, settings))
  checks.push(await diskCheck('disk: stations', antenneConfig.stationsDir, settings))
  checks.push(...(await systemChecks(settings)))
  return checks
}
