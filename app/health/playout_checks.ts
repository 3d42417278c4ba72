/*
| doctor's lines for stations shared by several playout hosts (ANTENNE_NODE):
| who leads each station under its lease, and whether each standby is ready
| to take over (its Liquidsoap warm with the current script, seen lately).
| A single-host install has no lease rows and gets no line.
*/
import db from '@adonisjs/lucid/services/db'
import Station from '#models/station'
import { currentLease } from '#streamer/station_lease'

/** health_checks.ts's HealthCheck (importing it from there would be a cycle). */
interface HealthCheck {
  name: string
  ok: boolean
  detail: string
  fix?: string
}

/** A node not heard of for this long is gone (it says itself every second). */
const SEEN_WITHIN_MS = 5000

export async function playoutChecks(): Promise<HealthCheck[]> {
  const rows = await db.from('streamer_nodes').select('*')
  const leased = await db.from('station_leases').select('station_id')
  const ids = new Set([...rows, ...leased].map((row) => Number(row.station_id)))
  if (!ids.size) return []
  const stations = await Station.query()
    .whereIn('id', [...ids])
    .orderBy('id')
  const checks: HealthCheck[] = []
  for (const station of stations) {
    const lease = await currentLease(station.id)
    const nodes = rows.filter((row) => Number(row.station_id) === station.id)
    const fresh = (row: { seen_at: unknown }) =>
      lease !== null && lease.now - Number(row.seen_at) <= SEEN_WITHIN_MS
    const name = `station ${station.slug}: playout`
    if (lease && lease.expiresAt > lease.now) {
      checks.push({
        name,
        ok: true,
        detail: `${lease.holder} leads (lease ${lease.token}, expires in ${((lease.expiresAt - lease.now) / 1000).toFixed(1)} s)`,
      })
    } else {
      checks.push({
        name,
        ok: false,
        detail: lease
          ? `no node leads: the lease of ${lease.holder} expired ${((lease.now - lease.expiresAt) / 1000).toFixed(0)} s ago`
          : 'no node has ever led the station',
        fix: 'start a streamer on a playout host (systemctl start antenne-streamer) and check that it reaches the database',
      })
    }
    const standbys = nodes.filter((row) => row.role === 'standby')
    for (const row of standbys) {
      const ready = Boolean(row.ready) && fresh(row)
      checks.push({
        name: `station ${station.slug}: standby ${row.node}`,
        ok: ready,
        detail: ready
          ? `ready to take over (${row.detail})`
          : fresh(row)
            ? `not ready: ${row.detail}`
            : `not seen for ${(((lease?.now ?? 0) - Number(row.seen_at)) / 1000).toFixed(0)} s`,
        fix: ready
          ? undefined
          : `see the streamer's log on ${row.node} (journalctl -u antenne-streamer)`,
      })
    }
    if (!standbys.some(fresh))
      checks.push({
        name: `station ${station.slug}: standby`,
        ok: false,
        detail: 'no standby: if the leader goes, the station stays on its fallback',
        fix: 'start a streamer with its own ANTENNE_NODE on a second playout host (or delete the station_leases row to go back to one host)',
      })
  }
  return checks
}
