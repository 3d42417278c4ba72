/*
| The staff dashboard of a station: what is on air, today's diffusions as
| planned against what the on-air log says happened, recent problems, and
| the diffusions at risk in the next days (app/scheduling/diffusions_at_risk.ts).
*/
import { DateTime } from 'luxon'
import Diffusion from '#models/diffusion'
import Log from '#models/log'
import Sound from '#models/sound'
import type Station from '#models/station'
import { nowPlaying, type NowPlaying } from '#on_air/now_playing'
import { localDayBounds } from '#scheduling/recurrence'
import { sqlDateTime } from '#models/columns'
import { type AtRisk, diffusionsAtRisk } from '#scheduling/diffusions_at_risk'

/** How far ahead the dashboard looks for diffusions at risk (`diffusions --check`'s default too). */
export const DASHBOARD_RISK_DAYS = 7

/** What the log says of a planned diffusion. */
export type AiredState =
  'aired' | 'airing' | 'late' | 'cancelled' | 'planned' | 'unconfirmed' | 'missed'

export interface PlannedDiffusion {
  diffusion: Diffusion
  state: AiredState
  /** When the log says it started, and from where (dealer, live). */
  startedAt: DateTime | null
  source: string | null
}

export interface StationDashboard {
  station: Station
  now: NowPlaying
  today: PlannedDiffusion[]
  problems: Log[]
  poorSounds: Sound[]
  /** On-air diffusions of the next DASHBOARD_RISK_DAYS days that may air nothing or badly. */
  atRisk: AtRisk[]
}

/**
 * Planned against aired, from the diffusion's type and its `start` log: a
 * pure function of both so that the rule reads in one place.
 */
export function airedState(
  diffusion: Pick<Diffusion, 'type' | 'start' | 'end'>,
  started: DateTime | null,
  now: DateTime
): AiredState {
  if (diffusion.type === 'cancel') return 'cancelled'
  if (diffusion.type === 'unconfirmed') return 'unconfirmed'
  if (started) return now < diffusion.end ? 'airing' : 'aired'
  if (now < diffusion.start) return 'planned'
  return now < diffusion.end ? 'late' : 'missed'
}

export async function stationDashboard(
  station: Station,
  now = DateTime.utc()
): Promise<StationDashboard> {
  const day = now.setZone(station.timezone).toISODate()!
  const [from, to] = localDayBounds(day, station.timezone)
  const diffusions = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.startingBetween(from, to)
    })
    .preload('program')
    .preload('episode')
  const starts = diffusions.length
    ? await Log.query()
        .withScopes((s) => s.start())
        .whereIn(
          'diffusion_id',
          diffusions.map((d) => d.id)
        )
    : []
  const startOf = new Map(starts.map((log) => [log.diffusionId, log]))
  const today = diffusions.map((diffusion) => {
    const log = startOf.get(diffusion.id) ?? null
    return {
      diffusion,
      state: airedState(diffusion, log?.date ?? null, now),
      startedAt: log?.date ?? null,
      source: log?.source ?? null,
    }
  })
  const problems = await Log.query()
    .withScopes((s) => s.station(station))
    .whereIn('type', ['cancel', 'other'])
    .where('date', '>=', sqlDateTime(now.minus({ days: 2 })))
    .orderBy('date', 'desc')
    .limit(20)
    .preload('diffusion', (q) => q.preload('program'))
  const poorSounds = await Sound.query()
    .whereIn('program_id', (q) => q.from('programs').select('id').where('station_id', station.id))
    .where('is_good_quality', false)
    .whereNot('type', 'removed')
    .orderBy('updated_at', 'desc')
    .limit(10)
    .preload('program')
  const atRisk = await diffusionsAtRisk(station, {
    from: now,
    to: now.plus({ days: DASHBOARD_RISK_DAYS }),
    now,
  })
  return { station, now: await nowPlaying(station, now), today, problems, poorSounds, atRisk }
}
