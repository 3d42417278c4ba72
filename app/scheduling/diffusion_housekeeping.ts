/*
| Upkeep of generated diffusions: cleaning unconfirmed leftovers and listing
| the unconfirmed ones that wait for a scheduler's decision.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { type Month, localMonthBounds, monthIn, nextMonth } from '#scheduling/recurrence'
import { deleteDiffusions } from '#scheduling/schedule_edits'
import { findStations } from '#scheduling/stations'
import { diffusionColumns as d, programColumns as p } from '#models/table_columns'

export interface UnconfirmedDiffusion {
  station: string
  id: number
  title: string
  /** Local start in the station's zone. */
  start: string
  /** What it overlaps, as "title start–end" in the station's zone. */
  overlaps: string[]
}

export class DiffusionHousekeeping {
  /**
   * Deletes unconfirmed diffusions that started before this month (in each
   * station's zone), with their reruns and orphan episodes (Aircox's --clean).
   */
  async clean(options: { stations?: string[]; now?: DateTime } = {}) {
    const now = options.now ?? DateTime.now()
    const stations = await findStations(options.stations)
    return db.transaction(async (trx) => {
      const report = []
      for (const station of stations) {
        const [monthStart] = localMonthBounds(monthIn(station.timezone, now), station.timezone)
        const rows = await trx
          .from(d.table)
          .join(p.table, p.column('id'), d.column('programId'))
          .where(p.column('stationId'), station.id)
          .where(d.column('type'), 'unconfirmed')
          .where(d.column('start'), '<', sqlDateTime(monthStart))
          .select(d.column('id'))
        await deleteDiffusions(
          trx,
          rows.map((r) => r.id)
        )
        report.push({
          station: station.slug,
          before: monthStart.setZone(station.timezone).toFormat('yyyy-MM-dd'),
          deleted: rows.length,
        })
      }
      return report
    })
  }

  /**
   * Unconfirmed diffusions of a month (default: from this month on) and the
   * `on_air` diffusions of the same station they overlap.
   */
  async conflicts(
    options: { stations?: string[]; month?: Month; nextMonth?: boolean; now?: DateTime } = {}
  ): Promise<UnconfirmedDiffusion[]> {
    const now = options.now ?? DateTime.now()
    const stations = await findStations(options.stations)
    const found: UnconfirmedDiffusion[] = []
    for (const station of stations) {
      const zone = station.timezone
      let from: DateTime
      let to: DateTime | null = null
      if (options.month || options.nextMonth) {
        const month = options.month ?? nextMonth(monthIn(zone, now))
        ;[from, to] = localMonthBounds(month, zone)
      } else {
        from = localMonthBounds(monthIn(zone, now), zone)[0]
      }
      const query = db
        .from(d.table)
        .join(p.table, p.column('id'), d.column('programId'))
        .where(p.column('stationId'), station.id)
        .where(d.column('type'), 'unconfirmed')
        .where(d.column('start'), '>=', sqlDateTime(from))
        .select(...d.qualified('id', 'start', 'end'), p.column('title'))
        .orderBy(d.column('start'))
      if (to) query.where(d.column('start'), '<', sqlDateTime(to))
      const unconfirmed = await query
      for (const row of unconfirmed) {
        const overlapping = await db
          .from(d.table)
          .join(p.table, p.column('id'), d.column('programId'))
          .where(p.column('stationId'), station.id)
          .where(d.column('type'), 'on_air')
          .where(d.column('start'), '<', row.end)
          .where(d.column('end'), '>', row.start)
          .select(...d.qualified('start', 'end'), p.column('title'))
          .orderBy(d.column('start'))
        const local = (value: unknown, format: string) =>
          fromSqlDateTime(value)!.setZone(zone).toFormat(format)
        found.push({
          station: station.slug,
          id: row.id,
          title: row.title,
          start: local(row.start, 'yyyy-MM-dd HH:mm'),
          overlaps: overlapping.map(
            (o) => `${o.title} ${local(o.start, 'yyyy-MM-dd HH:mm')}–${local(o.end, 'HH:mm')}`
          ),
        })
      }
    }
    return found
  }
}
