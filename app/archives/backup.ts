/*
| Backups of a whole install in one portable file: every table of the
| database (read in id order, a chunk at a time) and each station's
| configuration (its script and playlists), as gzipped JSON lines. The same
| file restores into SQLite or MariaDB. Sound files are not included: they
| are the station's own folders, to be copied by its usual file backups.
*/
import { DateTime } from 'luxon'
import { readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import antenneConfig from '#config/antenne'
import { InvalidArgumentException } from '#exceptions/domain'
import { JsonlGzipWriter, portable, readJsonlGzip } from '#archives/jsonl_gzip'

export const BACKUP_FORMAT = 'antenne-backup'

/** Tables in an order where each row's references come before it. */
export const TABLES = [
  'stations', 'outputs', 'programs', 'streams', 'schedules', 'episodes', 'diffusions', 'sounds', 'tracks', 'logs',
  'users', 'station_user', 'program_user', 'auth_access_tokens',
  'event_sinks', 'events', 'event_deliveries', 'listener_samples', 'listener_sessions',
] as const

/** Tables keyed by an id (read in id order); the others are small pivots. */
const PIVOTS = new Set(['station_user', 'program_user'])
const CHUNK = 2000

/** `antenne-20261202-013000.backup.gz`: sorted by name, sorted by time. */
export function backupName(at: DateTime) {
  return `antenne-${at.toUTC().toFormat('yyyyLLdd-HHmmss')}.backup.gz`
}

async function migrations(): Promise<string[]> {
  return (await db.from('adonis_schema').select('name').orderBy('id')).map((r) => String(r.name).split('/').pop()!)
}

/** Each station's configuration files (station.liq, *.m3u), relative to the stations folder. */
async function stationFiles(): Promise<Array<{ path: string; base: string }>> {
  const files: Array<{ path: string; base: string }> = []
  for (const station of await db.from('stations').select('slug', 'path')) {
    const dir = station.path || join(antenneConfig.stationsDir, station.slug)
    const entries = await readdir(dir).catch(() => [] as string[])
    for (const name of entries) if (name === 'station.liq' || name.endsWith('.m3u')) files.push({ path: join(dir, name), base: dir })
  }
  return files
}

export async function createBackup(dir: string, keep: number, now: DateTime = DateTime.utc()) {
  if (!Number.isInteger(keep) || keep < 1) throw new InvalidArgumentException(`invalid --keep "${keep}": 1 or more backups`)
  const path = join(dir, backupName(now))
  const writer = await JsonlGzipWriter.create(path)
  const counts: Record<string, number> = {}
  try {
    await writer.write({ format: BACKUP_FORMAT, version: 1, created: now.toISO(), client: db.connection().dialect.name, migrations: await migrations() })
    for (const table of TABLES) {
      counts[table] = 0
      if (PIVOTS.has(table)) {
        for (const row of await db.from(table).select('*')) {
          await writer.write({ table, row })
          counts[table]++
        }
        continue
      }
      let after = -1
      for (;;) {
        const rows = await db.from(table).where('id', '>', after).orderBy('id').limit(CHUNK).select('*')
        for (const row of rows) await writer.write({ table, row: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, portable(v)])) })
        counts[table] += rows.length
        if (rows.length < CHUNK) break
        after = Number(rows[rows.length - 1].id)
      }
    }
    for (const file of await stationFiles()) {
      const station = relative(resolve(antenneConfig.stationsDir), resolve(file.base))
      await writer.write({ file: join(station.startsWith('..') ? file.base : station, file.path.slice(file.base.length + 1)), absolute: station.startsWith('..'), content: (await readFile(file.path)).toString('base64') })
      counts.files = (counts.files ?? 0) + 1
    }
    await writer.close()
  } catch (error) {
    await writer.abort()
    throw error
  }
  const removed = await pruneBackups(dir, keep)
  return { path, counts, removed, size: (await stat(path)).size }
}

/** Keeps the newest `keep` backups of the folder. */
export async function pruneBackups(dir: string, keep: number) {
  const names = (await readdir(dir)).filter((n) => /^antenne-\d{8}-\d{6}\.backup\.gz$/.test(n)).sort()
  const old = names.slice(0, Math.max(0, names.length - keep))
  for (const name of old) await rm(join(dir, name))
  return old
}

/**
 * Replaces the whole database (and the station configuration files) with a
 * backup's, in one transaction: a backup that cannot be read or applied
 * leaves the database as it was.
 */
export async function restoreBackup(path: string) {
  const lines = readJsonlGzip(resolve(path))
  const first = await lines.next()
  const header = first.value as Record<string, unknown> | undefined
  if (!header || header.format !== BACKUP_FORMAT) throw new InvalidArgumentException(`${path} is not an Antenne backup`)
  const ours = await migrations()
  const theirs = (header.migrations as string[]) ?? []
  const newer = theirs.filter((m) => !ours.includes(m))
  if (newer.length) throw new InvalidArgumentException(`${path} comes from a newer Antenne (migrations ${newer.join(', ')}): upgrade first`)

  const counts: Record<string, number> = {}
  const files: Array<{ file: string; absolute: boolean; content: string }> = []
  const client = db.connection()
  const mysql = client.dialect.name === 'mysql'
  await client.transaction(async (trx) => {
    // References are restored in order, except rows pointing at later rows of their own table (reruns).
    if (mysql) await trx.rawQuery('SET FOREIGN_KEY_CHECKS = 0')
    else await trx.rawQuery('PRAGMA defer_foreign_keys = ON')
    try {
      for (const table of [...TABLES].reverse()) await trx.from(table).delete()
      let batch: Array<Record<string, unknown>> = []
      let batchTable = ''
      const flush = async () => {
        if (batch.length) await trx.table(batchTable).multiInsert(batch)
        batch = []
      }
      for await (const line of lines) {
        if (line.file) {
          files.push(line as { file: string; absolute: boolean; content: string })
          continue
        }
        const table = String(line.table)
        if (!(TABLES as readonly string[]).includes(table)) throw new InvalidArgumentException(`${path}: unknown table "${table}"`)
        if (table !== batchTable || batch.length >= 500) {
          await flush()
          batchTable = table
        }
        batch.push(line.row)
        counts[table] = (counts[table] ?? 0) + 1
      }
      await flush()
    } finally {
      if (mysql) await trx.rawQuery('SET FOREIGN_KEY_CHECKS = 1')
    }
  })
  for (const { file, absolute, content } of files) {
    if (!/(^|\/)(station\.liq|[^/]+\.m3u)$/.test(file)) throw new InvalidArgumentException(`${path}: not a station configuration file: ${file}`)
    const target = absolute ? file : join(antenneConfig.stationsDir, file)
    if (!absolute && !resolve(target).startsWith(resolve(antenneConfig.stationsDir) + sep)) throw new InvalidArgumentException(`${path}: a file outside the stations folder: ${file}`)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, Buffer.from(content, 'base64'))
  }
  return { counts, files: files.length, created: String(header.created) }
}
