/*
| Aircox's log archiver, working on both databases: on-air logs older than
| `age` days leave the database for one gzipped JSON lines file per station
| and local day (<archives>/<station>/<yyyy-mm-dd>.jsonl.gz). A file is
| written and synced before its rows are deleted; archiving the same day
| again merges into its file. Restoring puts rows back (those not there yet),
| their sound, track or diffusion left empty when that row is gone.
*/
import { DateTime } from 'luxon'
import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { InvalidArgumentException } from '#exceptions/domain'
import { JsonlGzipWriter, portable, readJsonlGzip } from '#archives/jsonl_gzip'
import {
  diffusionColumns,
  logColumns as l,
  soundColumns,
  stationColumns as s,
  trackColumns,
} from '#models/table_columns'
import { batches, idsPerQuery, rowsPerInsert } from '#models/batch_size'

// Rows archived per round: a bound on memory and on each round's work, not on a statement.
const CHUNK = 5000
// The columns are also the keys of an archive line.
const COLUMNS = l.list(
  'id',
  'stationId',
  'type',
  'date',
  'source',
  'comment',
  'soundId',
  'trackId',
  'diffusionId'
)
const STATION_ID = l.name('stationId')

export interface ArchiveReport {
  rows: number
  files: string[]
}

export function archivePath(dir: string, stationSlug: string, day: string) {
  return join(dir, stationSlug, `${day}.jsonl.gz`)
}

export class LogArchiver {
  constructor(readonly dir: string) {}

  /** Moves logs older than `age` days (of the given stations, or all) to the archive files. */
  async archive(
    age: number,
    options: { stations?: string[]; dryRun?: boolean; now?: DateTime } = {}
  ): Promise<ArchiveReport> {
    if (!Number.isInteger(age) || age < 1)
      throw new InvalidArgumentException(
        `invalid --age "${age}": a whole number of days, 1 or more`
      )
    const cutoff = sqlDateTime((options.now ?? DateTime.utc()).minus({ days: age }))
    const stations = await db
      .from(s.table)
      .select(s.list('id', 'slug', 'timezone'))
      .if(options.stations?.length, (q) => q.whereIn(s.name('slug'), options.stations!))
    if (options.stations?.length) {
      const unknown = options.stations.filter(
        (slug) => !stations.some((station) => station.slug === slug)
      )
      if (unknown.length)
        throw new InvalidArgumentException(
          `no station ${unknown.map((slug) => `"${slug}"`).join(', ')}`
        )
    }
    const report: ArchiveReport = { rows: 0, files: [] }
    for (const station of stations) {
      if (options.dryRun) {
        const row = await db
          .from(l.table)
          .where(STATION_ID, station.id)
          .where(l.name('date'), '<', cutoff)
          .count('* as n')
          .first()
        report.rows += Number(row?.n ?? 0)
        continue
      }
      for (;;) {
        const rows = await db
          .from(l.table)
          .where(STATION_ID, station.id)
          .where(l.name('date'), '<', cutoff)
          .orderBy(l.name('date'))
          .orderBy(l.name('id'))
          .limit(CHUNK)
          .select(COLUMNS)
        if (!rows.length) break
        const byDay = new Map<string, Array<Record<string, unknown>>>()
        for (const row of rows) {
          const day = fromSqlDateTime(row.date)!.setZone(station.timezone).toISODate()!
          const line = Object.fromEntries(COLUMNS.map((c) => [c, portable(row[c])]))
          const lines = byDay.get(day) ?? byDay.set(day, []).get(day)!
          lines.push({ ...line, station: station.slug })
        }
        for (const [day, lines] of byDay) {
          const path = archivePath(this.dir, station.slug, day)
          await this.#merge(path, lines)
          if (!report.files.includes(path)) report.files.push(path)
        }
        // The files are on disk: now the rows may go.
        const ids = rows.map((r) => r.id)
        for (const batch of batches(ids, idsPerQuery()))
          await db.from(l.table).whereIn(l.name('id'), batch).delete()
        report.rows += rows.length
      }
    }
    return report
  }

  /** Writes `lines` into the day's file, after what it holds already (a line per id). */
  async #merge(path: string, lines: Array<Record<string, unknown>>) {
    const known = new Set<number>()
    const writer = await JsonlGzipWriter.create(path)
    try {
      if (existsSync(path)) {
        for await (const line of readJsonlGzip(path)) {
          known.add(Number(line.id))
          await writer.write(line)
        }
      }
      for (const line of lines) if (!known.has(Number(line.id))) await writer.write(line)
      await writer.close()
    } catch (error) {
      await writer.abort()
      throw error
    }
  }

  /** Archive files under a path (a file, a station folder or the whole archive). */
  async files(path: string): Promise<string[]> {
    const full = resolve(path)
    const info = await stat(full).catch(() => null)
    if (!info) throw new InvalidArgumentException(`no archive at ${full}`)
    if (info.isFile()) return [full]
    const found: string[] = []
    for (const entry of await readdir(full, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.jsonl.gz'))
        found.push(
          join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)
        )
    }
    return found.sort()
  }

  /** Puts archived logs back; returns the rows inserted and those already there. */
  async restore(path: string) {
    const report = { inserted: 0, present: 0, files: 0 }
    const stationIds = new Map(
      (await db.from(s.table).select(s.list('id', 'slug'))).map((station) => [
        station.slug,
        Number(station.id),
      ])
    )
    for (const file of await this.files(path)) {
      const rows: Array<Record<string, unknown>> = []
      for await (const line of readJsonlGzip(file)) {
        const stationId = stationIds.get(String(line.station))
        if (!stationId)
          throw new InvalidArgumentException(
            `${file}: no station "${line.station}" in this database`
          )
        rows.push({
          ...Object.fromEntries(COLUMNS.map((c) => [c, line[c] ?? null])),
          [STATION_ID]: stationId,
        })
      }
      // Each batch is one multi-row insert, and its ids one `IN (...)`.
      const size = Math.min(rowsPerInsert(COLUMNS.length), idsPerQuery())
      for (const chunk of batches(rows, size)) {
        const present = new Set(
          (
            await db
              .from(l.table)
              .whereIn(
                l.name('id'),
                chunk.map((r) => r.id as number)
              )
              .select(l.name('id'))
          ).map((r) => Number(r.id))
        )
        const missing = chunk.filter((r) => !present.has(Number(r.id)))
        report.present += present.size
        if (!missing.length) continue
        // Rows outlive what they point at: a reference that is gone is left empty.
        for (const [column, table] of [
          [l.name('soundId'), soundColumns.table],
          [l.name('trackId'), trackColumns.table],
          [l.name('diffusionId'), diffusionColumns.table],
        ]) {
          const ids = [
            ...new Set(missing.map((r) => r[column]).filter((v) => v !== null)),
          ] as number[]
          if (!ids.length) continue
          const exists = new Set(
            (await db.from(table).whereIn('id', ids).select('id')).map((r) => Number(r.id))
          )
          for (const row of missing)
            if (row[column] !== null && !exists.has(Number(row[column]))) row[column] = null
        }
        await db.table(l.table).multiInsert(missing)
        report.inserted += missing.length
      }
      report.files++
    }
    return report
  }
}
