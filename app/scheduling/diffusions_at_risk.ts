/*
| The diffusions at risk of a station in a window (the next days): what the
| database knows of each, judged by diffusion_risks.ts. Used by
| `diffusions --check`, the CMS dashboard and the `diffusion_at_risk` alerts.
|
| Only `on_air` diffusions are checked: an unconfirmed one waits for a
| scheduler (`diffusions --conflicts` lists them) and is checked once
| confirmed; a cancelled one airs nothing on purpose.
|
| "Live recently" is one precise rule: the station's live input accepted a
| login (`live_attempts.accepted`, by a host's key or the station's) for a
| diffusion of the program (`live_attempts.diffusion_id`) in the 30 days
| before now. A key's `last_used_at` is not used: a host may have several
| programs, and a key says nothing of which one went live.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Diffusion from '#models/diffusion'
import Sound from '#models/sound'
import Station from '#models/station'
import { sqlDateTime } from '#models/columns'
import { diffusionColumns as d } from '#models/table_columns'
import { findStations } from '#scheduling/stations'
import {
  type DiffusionRisk,
  type RiskArchive,
  type StationLive,
  diffusionRisk,
} from '#scheduling/diffusion_risks'

/** How far back a live show makes a program "live". */
export const LIVE_RECENTLY_DAYS = 30

export interface AtRisk {
  /** With its program, episode and (for a rerun) initial preloaded. */
  diffusion: Diffusion
  risk: DiffusionRisk
}

export interface StationRisks {
  station: Station
  from: DateTime
  to: DateTime
  atRisk: AtRisk[]
}

export function stationLive(station: Station): StationLive {
  return {
    liveInput: station.harborPort !== null && station.harborPort !== undefined,
    recordsLive: station.liveRecordFormat !== null && station.liveRecordFormat !== undefined,
    zone: station.timezone,
  }
}

/** The station's `on_air` diffusions starting in [from, to) that are at risk at `now`, by start. */
export async function diffusionsAtRisk(
  station: Station,
  window: { from: DateTime; to: DateTime; now?: DateTime }
): Promise<AtRisk[]> {
  const now = window.now ?? DateTime.utc()
  const diffusions = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
      s.startingBetween(window.from, window.to)
    })
    .preload('program')
    .preload('episode')
    .preload('initial')
  if (!diffusions.length) return []

  const programIds = unique(diffusions.map((x) => x.programId))
  const initialIds = unique(diffusions.flatMap((x) => (x.initialId ? [x.initialId] : [])))
  const [archives, liveRecently, wentLive, hostsWithKey] = await Promise.all([
    archivesByEpisode(unique(diffusions.map((x) => x.episodeId))),
    programsLiveSince(programIds, now.minus({ days: LIVE_RECENTLY_DAYS }), now),
    diffusionsThatWentLive(initialIds),
    hostsWithLiveKey(programIds),
  ])

  const live = stationLive(station)
  const atRisk: AtRisk[] = []
  for (const diffusion of diffusions) {
    const initial = diffusion.initialId ? diffusion.initial : null
    const risk = diffusionRisk(
      {
        program: {
          acceptAnyQuality: diffusion.program.acceptAnyQuality,
          liveRecently: liveRecently.has(diffusion.programId),
          hostsWithKey: hostsWithKey.get(diffusion.programId) ?? 0,
        },
        archives: archives.get(diffusion.episodeId) ?? [],
        initial: initial && {
          type: initial.type,
          start: initial.start,
          end: initial.end,
          wentLive: wentLive.has(initial.id),
        },
      },
      live,
      now
    )
    if (risk) atRisk.push({ diffusion, risk })
  }
  return atRisk
}

/**
 * The stations named (default: every active one) with their diffusions at
 * risk over the next `days` days from `now`.
 */
export async function risksOfNextDays(options: {
  stations?: string[]
  days: number
  now?: DateTime
}): Promise<StationRisks[]> {
  const now = options.now ?? DateTime.utc()
  const rows = await findStations(options.stations)
  const stations = await Station.query()
    .whereIn(
      'id',
      rows.map((row) => row.id)
    )
    .orderBy('id')
  const to = now.plus({ days: options.days })
  return Promise.all(
    stations.map(async (station) => ({
      station,
      from: now,
      to,
      atRisk: await diffusionsAtRisk(station, { from: now, to, now }),
    }))
  )
}

async function archivesByEpisode(episodeIds: number[]) {
  const sounds = await Sound.query()
    .withScopes((s) => s.archive())
    .whereIn('episode_id', episodeIds)
    .select('episode_id', 'name', 'is_good_quality')
    .orderBy('path')
  const byEpisode = new Map<number, RiskArchive[]>()
  for (const sound of sounds) {
    const list = byEpisode.get(sound.episodeId!) ?? []
    list.push({ name: sound.name, isGoodQuality: sound.isGoodQuality })
    byEpisode.set(sound.episodeId!, list)
  }
  return byEpisode
}

/** The programs the live input accepted a login for, for one of their diffusions, in [since, until]. */
async function programsLiveSince(programIds: number[], since: DateTime, until: DateTime) {
  const rows = await db
    .from('live_attempts')
    .join(d.table, d.column('id'), 'live_attempts.diffusion_id')
    .whereIn(d.column('programId'), programIds)
    .where('live_attempts.accepted', true)
    .where('live_attempts.at', '>=', sqlDateTime(since))
    .where('live_attempts.at', '<=', sqlDateTime(until))
    .distinct(d.column('programId'))
  return new Set(rows.map((row: { program_id: number }) => Number(row.program_id)))
}

async function diffusionsThatWentLive(diffusionIds: number[]) {
  if (!diffusionIds.length) return new Set<number>()
  const rows = await db
    .from('live_attempts')
    .whereIn('diffusion_id', diffusionIds)
    .where('accepted', true)
    .distinct('diffusion_id')
  return new Set(rows.map((row: { diffusion_id: number }) => Number(row.diffusion_id)))
}

/** Per program, how many of its hosts hold a live key that is not revoked. */
async function hostsWithLiveKey(programIds: number[]) {
  const rows = await db
    .from('program_user')
    .join('live_keys', 'live_keys.user_id', 'program_user.user_id')
    .whereIn('program_user.program_id', programIds)
    .whereNull('live_keys.revoked_at')
    .groupBy('program_user.program_id')
    .select('program_user.program_id')
    .countDistinct('program_user.user_id as hosts')
  return new Map<number, number>(
    rows.map((row: { program_id: number; hosts: number | string }) => [
      Number(row.program_id),
      Number(row.hosts),
    ])
  )
}

function unique(ids: number[]) {
  return [...new Set(ids)]
}
