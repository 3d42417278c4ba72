/*
| Fast UTC offsets of IANA zones. luxon asks Intl for every offset (tens of
| microseconds each); generating a year of a thousand schedules needs
| hundreds of thousands. This reads each zone-year once, finds its
| transitions to the minute, then answers by binary search.
*/
import { IANAZone } from 'luxon'

const HOUR = 3_600_000
const MINUTE = 60_000
// Two transitions of one zone are never this close: sampling at this step
// and bisecting between samples finds them all.
const STEP = 6 * HOUR

interface Table {
  /** Instants (ms) from which `offsets[i]` applies, ascending. */
  from: number[]
  offsets: number[]
}

const tables = new Map<string, Table>()

function build(zone: IANAZone, year: number): Table {
  const start = Date.UTC(year, 0, 1) - 2 * 86_400_000
  const end = Date.UTC(year + 1, 0, 1) + 2 * 86_400_000
  const from = [start]
  const offsets = [zone.offset(start)]
  for (let t = start + STEP; t <= end; t += STEP) {
    const offset = zone.offset(t)
    if (offset === offsets[offsets.length - 1]) continue
    // Bisect (t - STEP, t] to the minute for the first instant of the new offset.
    let low = t - STEP
    let high = t
    while (high - low > MINUTE) {
      const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE
      if (zone.offset(mid) === offset) high = mid
      else low = mid
    }
    from.push(high)
    offsets.push(offset)
  }
  return { from, offsets }
}

/** The zone's offset from UTC, in minutes, at the instant `ms`. */
export function zoneOffset(zoneName: string, ms: number): number {
  const year = new Date(ms).getUTCFullYear()
  const key = `${zoneName}|${year}`
  let table = tables.get(key)
  if (!table) {
    const zone = IANAZone.create(zoneName)
    if (!zone.isValid) throw new Error(`invalid time zone "${zoneName}"`)
    table = build(zone, year)
    tables.set(key, table)
  }
  let low = 0
  let high = table.from.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (table.from[mid] <= ms) low = mid
    else high = mid - 1
  }
  return table.offsets[low]
}
