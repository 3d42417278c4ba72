import db from '@adonisjs/lucid/services/db'
import { StationNotFoundException } from '#exceptions/domain'
import { stationColumns as c } from '#models/table_columns'

export interface StationRow {
  id: number
  slug: string
  name: string
  timezone: string
}

/**
 * The stations a command works on: those named by slug (all must exist), or
 * every active station.
 */
export async function findStations(slugs: string[] = []): Promise<StationRow[]> {
  const query = db
    .from(c.table)
    .select(c.list('id', 'slug', 'name', 'timezone'))
    .orderBy(c.name('id'))
  if (!slugs.length) return query.where(c.name('active'), true)
  const rows: StationRow[] = await query.whereIn(c.name('slug'), slugs)
  const unknown = slugs.filter((slug) => !rows.some((row) => row.slug === slug))
  if (unknown.length) {
    const known = (await db.from(c.table).select(c.name('slug')).orderBy(c.name('slug'))).map(
      (r) => r.slug
    )
    throw new StationNotFoundException(
      `unknown station ${unknown.map((s) => `"${s}"`).join(', ')} (known: ${known.join(', ') || 'none'})`
    )
  }
  return rows
}
