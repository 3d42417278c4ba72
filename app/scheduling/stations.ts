import db from '@adonisjs/lucid/services/db'
import { StationNotFoundException } from '#exceptions/domain'

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
  const query = db.from('stations').select('id', 'slug', 'name', 'timezone').orderBy('id')
  if (!slugs.length) return query.where('active', true)
  const rows: StationRow[] = await query.whereIn('slug', slugs)
  const unknown = slugs.filter((slug) => !rows.some((row) => row.slug === slug))
  if (unknown.length) {
    const known = (await db.from('stations').select('slug').orderBy('slug')).map((r) => r.slug)
    throw new StationNotFoundException(
      `unknown station ${unknown.map((s) => `"${s}"`).join(', ')} (known: ${known.join(', ') || 'none'})`
    )
  }
  return rows
}
