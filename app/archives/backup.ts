/*
| Backups of a whole install in one portable file: every table of the
| database (read in id order, a chunk at a time) and each station's
| configuration (its script and playlists), as gzipped JSON lines. The same
| file restores into SQLite or MariaDB. Sound files are not included: they
| are the station's own folders, to be copied by its usual file backups.
*/
import { DateTime } from 'luxon'
import { readdir, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import antenneConfig from '#config/antenne'
import { InvalidArgumentException } from '#exceptions/domain'
import { JsonlGzipWriter, portable, readJsonlGzip } from '#archives/jsonl_gzip'
import { stationColumns } from '#models/table_columns'
import { rowsPerInsert } from '#models/batch_size'

export const BACKUP_FORMAT = 'antenne-backup'

/** Tables in an order where each row's references come before it. */
export const TABLES = [
  'stations',
  'outputs',
  'edges',
  'edge_station',
  'programs',
  'streams',
  'schedules',
  'episodes',
  'diffusions',
  'sounds',
  'tracks',
  'logs',
  'users',
  'station_user',
  'program_user',
  'auth_access_tokens',
  'live_keys',
  'live_attempts',
  'event_sinks',
  'events',
  'event_deliveries',
  'diffusion_alerts',
  'listener_samples',
  'listener_sessions',
] as const

/** Tables keyed by an id (read in id order); the others are small pivots. */
const PIVOTS = new Set(['station_user', 'program_user', 'edge_station'])
// Rows read per page: a bound on memory, not on a statement (the page is a `LIMIT`).
const CHUNK = 2000
// Rows per restoring insert at most: rows carry free text (an episode's content, an event's
// payload), and a statement must stay under MariaDB's max_allowed_packet (16 MB by default).
const PACKET_ROWS = 500

/** `antenne-20261202-013000.backup.gz`: sorted by name, sorted by time. */
export function backupName(at: DateTime) {
  return `antenne-${at.toUTC().toFormat('yyyyLLdd-HHmmss')}.backup.gz`
}

async function migrations(): Promise<string[]> {
  return (await db.from('adonis_schema').select('name').orderBy('id')).map((r) =>
    String(r.name).split('/').pop()!
  )
}

/** Each station's configuration files (station.liq, *.m3u), relative to the stations folder. */
async function stationFiles(): Promise<Array<{ path: string; base: string }>> {
  const files: Array<{ path: string; base: string }> = []
  const c = stationColumns
  for (const station of await db.from(c.table).select(c.list('slug', 'path'))) {
    const dir = station.path || join(antenneConfig.stationsDir, station.slug)
    const entries = await readdir(dir).catch(() => [] as string[])
    for (const name of entries)
      if (name === 'station.liq' || name.endsWith('.m3u'))
        files.push({ path: join(dir, name), base: dir })
  }
  return files
}

export async function createBackup(dir: string, keep: number, now: DateTime = DateTime.utc()) {
  if (!Number.isInteger(keep) || keep < 1)
    throw new InvalidArgumentException(`invalid --keep "${keep}": 1 or more backups`)
  const path = join(dir, backupName(now))
  const writer = await JsonlGzipWriter.create(path)
  const counts: Record<string, number> = {}
  try {
    await writer.write({
      format: BACKUP_FORMAT,
      version: 1,
      created: now.toISO(),
      client: db.connection().dialect.name,
      migrations: await migrations(),
    })
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
        const rows = await db
          .from(table)
          .where('id', '>', after)
          .orderBy('id')
          .limit(CHUNK)
          .select('*')
        for (const row of rows)
          await writer.write({
            table,
            row: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, portable(v)])),
          })
        counts[table] += rows.length
        if (rows.length < CHUNK) break
        after = Number(rows[rows.length - 1].id)
      }
    }
    for (const file of await stationFiles()) {
      const station = relative(resolve(antenneConfig.stationsDir), resolve(file.base))
      await writer.write({
        file: join(
          station.startsWith('..') ? file.base : station,
          file.path.slice(file.base.length + 1)
        ),
        absolute: station.startsWith('..'),
        content: (await readFile(file.path)).toString('base64'),
      })
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
  const names = (await readdir(dir))
    .filter((n) => /^antenne-\d{8}-\d{6}\.backup\.gz$/.test(n))
    .sort()
  const old = names.slice(0, Math.max(0, names.length - keep))
  for (const name of old) await rm(join(dir, name))
  return old
}

interface StationFile {
  /** Where it goes, checked. */
  target: string
  content: Buffer
}

interface BackupPlan {
  header: Record<string, unknown>
  counts: Record<string, number>
  files: StationFile[]
}

/**
 * Where a backup's station file goes: `station.liq` or a playlist, inside
 * the stations folder, or inside the folder of a station of the same backup
 * that has a path of its own. Anything else is refused (a crafted backup
 * must not write a script or a playlist anywhere else).
 */
export function stationFileTarget(
  file: unknown,
  absolute: unknown,
  stationsDir: string,
  stationPaths: string[]
): string | null {
  if (
    typeof file !== 'string' ||
    !/(^|\/)(station\.liq|[^/]+\.m3u)$/.test(file) ||
    file.includes('\0')
  )
    return null
  if (absolute === true) {
    if (!isAbsolute(file) || normalize(file) !== file) return null
    return stationPaths.some((dir) => dirname(file) === resolve(dir)) ? file : null
  }
  if (isAbsolute(file) || file.split(/[\\/]/).some((part) => part === '..' || part === ''))
    return null
  const target = resolve(stationsDir, file)
  return target.startsWith(resolve(stationsDir) + sep) ? target : null
}

/** The first pass: every entry read and checked, nothing touched. */
async function planRestore(path: string): Promise<BackupPlan> {
  const lines = readJsonlGzip(resolve(path))
  const first = await lines.next()
  const header = first.value as Record<string, unknown> | undefined
  if (!header || header.format !== BACKUP_FORMAT)
    throw new InvalidArgumentException(`${path} is not an Antenne backup`)
  if (header.version !== 1)
    throw new InvalidArgumentException(
      `${path} is a backup of version ${JSON.stringify(header.version)}; this Antenne reads version 1`
    )
  const ours = await migrations()
  const theirs = Array.isArray(header.migrations)
    ? (header.migrations as unknown[]).map(String)
    : []
  const newer = theirs.filter((m) => !ours.includes(m))
  if (newer.length)
    throw new InvalidArgumentException(
      `${path} comes from a newer Antenne (migrations ${newer.join(', ')}): upgrade first`
    )
  const counts: Record<string, number> = {}
  const stationPaths: string[] = []
  const files: Array<{ file: unknown; absolute: unknown; content: unknown }> = []
  let n = 1
  for await (const line of lines) {
    n++
    if (typeof line !== 'object' || line === null)
      throw new InvalidArgumentException(`${path}, entry ${n}: not an object`)
    if ('file' in line) {
      files.push(line as { file: unknown; absolute: unknown; content: unknown })
      continue
    }
    const table = String((line as { table?: unknown }).table)
    const row = (line as { row?: unknown }).row
    if (!(TABLES as readonly string[]).includes(table))
      throw new InvalidArgumentException(`${path}, entry ${n}: unknown table "${table}"`)
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new InvalidArgumentException(
        `${path}, entry ${n}: a row of ${table} that is not an object`
      )
    if (table === 'stations' && typeof (row as { path?: unknown }).path === 'string')
      stationPaths.push((row as { path: string }).path)
    counts[table] = (counts[table] ?? 0) + 1
  }
  const checked: StationFile[] = []
  for (const entry of files) {
    const target = stationFileTarget(
      entry.file,
      entry.absolute,
      antenneConfig.stationsDir,
      stationPaths
    )
    if (!target)
      throw new InvalidArgumentException(
        `${path}: not a station configuration file inside a station's folder: ${JSON.stringify(entry.file)}`
      )
    if (typeof entry.content !== 'string')
      throw new InvalidArgumentException(`${path}: ${entry.file} has no content`)
    checked.push({ target, content: Buffer.from(entry.content, 'base64') })
  }
  return { header, counts, files: checked }
}

/**
 * Replaces the whole database and the station configuration files with a
 * backup's, all or nothing: every entry is checked first (tables, rows,
 * file paths, versions); the files are written beside their places, the
 * database is replaced in one transaction, and only then are the files put
 * in place. A backup that cannot be read, checked or applied changes nothing.
 */
export async function restoreBackup(path: string) {
  const plan = await planRestore(path)
  const staged: Array<{ temporary: string; target: string }> = []
  const client = db.connection()
  const mysql = client.dialect.name === 'mysql'
  try {
    for (const file of plan.files) {
      await mkdir(dirname(file.target), { recursive: true })
      const temporary = `${file.target}.restore-${process.pid}`
      staged.push({ temporary, target: file.target })
      // station.liq holds the Icecast source passwords: not for other users.
      await writeFile(temporary, file.content, { mode: 0o640 })
    }
    await client.transaction(async (trx) => {
      // References are restored in order, except rows pointing at later rows of their own table (reruns).
      if (mysql) await trx.rawQuery('SET FOREIGN_KEY_CHECKS = 0')
      else await trx.rawQuery('PRAGMA defer_foreign_keys = ON')
      try {
        for (const table of [...TABLES].reverse()) await trx.from(table).delete()
        let batch: Array<Record<string, unknown>> = []
        let batchTable = ''
        let batchSize = 0
        const flush = async () => {
          if (batch.length) await trx.table(batchTable).multiInsert(batch)
          batch = []
        }
        const lines = readJsonlGzip(resolve(path))
        await lines.next()
        for await (const line of lines) {
          if ('file' in line) continue
          const table = String(line.table)
          if (table !== batchTable || batch.length >= batchSize) {
            await flush()
            if (table !== batchTable)
              batchSize = Math.min(
                rowsPerInsert(Object.keys(line.row).length || 1, trx.connectionName),
                PACKET_ROWS
              )
            batchTable = table
          }
          batch.push(line.row)
        }
        await flush()
      } finally {
        if (mysql) await trx.rawQuery('SET FOREIGN_KEY_CHECKS = 1')
      }
    })
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })))
    throw error
  }
  for (const { temporary, target } of staged) await rename(temporary, target)
  return { counts: plan.counts, files: plan.files.length, created: String(plan.header.created) }
}
