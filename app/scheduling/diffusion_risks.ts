/*
| Foresight (issue 16): which coming diffusions may air nothing, or air badly,
| and what to do about each. Pure: it is given what the database knows of a
| diffusion (diffusions_at_risk.ts reads it) and says what is wrong.
|
| The rules, in order; the first that applies is the diffusion's risk:
|
| 1. Archives of poor quality: an archive of the episode the library found
|    bad (`is_good_quality` false) airs as it is (the monitor plays a
|    diffusion's archives whatever their quality), unless the program accepts
|    any quality. An archive not checked yet (null) is no risk.
| 2. An episode with an archive airs it: no risk.
| 3. A rerun with no archive airs its initial's episode, so:
|    - its initial was cancelled, or never confirmed and is over: nothing
|      will ever be recorded → `rerun_of_cancelled`;
|    - its initial went live (an accepted login at the live input for it)
|      and is over: the live show was not recorded, or its recording never
|      reached the archives → `rerun_of_unrecorded_live`;
|    - its initial is still to come (or on air) and is live (it went live,
|      or its program was live recently): fine when the station records live
|      shows, `rerun_of_unrecorded_live` when it does not;
|    - otherwise → `no_archive` (nobody will record it: upload it).
| 4. An initial with no archive airs the live input, so it is fine when its
|    program was live recently (see `liveRecently`), `no_archive` otherwise.
|
| Aircox had no such check: a diffusion without an archive aired silence or
| the rotation, and a rerun of a live show aired nothing, unnoticed.
*/
import type { DateTime } from 'luxon'
import type { DiffusionType } from '#models/diffusion'

export const RISK_KINDS = [
  'no_archive',
  'rerun_of_unrecorded_live',
  'rerun_of_cancelled',
  'poor_quality',
] as const
export type RiskKind = (typeof RISK_KINDS)[number]

/**
 * The precise case within a kind: the key of its sentences in the CMS's
 * translations (`staff.risks.<reason>.problem` / `.todo`).
 */
export type RiskReason =
  | 'no_archive_no_live'
  | 'no_archive_no_live_input'
  | 'no_archive_no_key'
  | 'no_archive_rerun'
  | 'live_not_recorded'
  | 'live_recording_missing'
  | 'live_recording_off'
  | 'initial_cancelled'
  | 'initial_unconfirmed'
  | 'poor_quality'

export interface RiskArchive {
  name: string
  /** The library's verdict; null: not checked yet. */
  isGoodQuality: boolean | null
}

export interface RiskInitial {
  type: DiffusionType
  start: DateTime
  end: DateTime
  /** The live input accepted a login for it. */
  wentLive: boolean
}

export interface RiskFacts {
  program: {
    acceptAnyQuality: boolean
    /** The live input accepted a login for one of its diffusions recently (see diffusions_at_risk.ts). */
    liveRecently: boolean
    /** Hosts of the program holding a live key that is not revoked. */
    hostsWithKey: number
  }
  /** The archives of its episode (a rerun's are its initial's: the same episode). */
  archives: RiskArchive[]
  /** A rerun's initial diffusion; null for an initial. */
  initial: RiskInitial | null
}

export interface StationLive {
  /** The station has a live input (a harbor port). */
  liveInput: boolean
  /** The station records live shows into their program's archives (a live record format). */
  recordsLive: boolean
  /** The station's zone, for the dates the sentences give. */
  zone: string
}

export interface DiffusionRisk {
  kind: RiskKind
  reason: RiskReason
  /** What is wrong, in a sentence. */
  problem: string
  /** What to do about it. */
  todo: string
  /** The values the sentences use (their translations' placeholders). */
  params: Record<string, string>
}

const SENTENCES: Record<RiskReason, { problem: string; todo: string }> = {
  no_archive_no_live: {
    problem: 'no archive and no live show recently',
    todo: 'upload the archive, or check the host has a live key',
  },
  no_archive_no_key: {
    problem: 'no archive and no live show recently, and no host of the program has a live key',
    todo: 'upload the archive, or give a host of the program a live key',
  },
  no_archive_no_live_input: {
    problem: 'no archive, and the station has no live input',
    todo: 'upload the archive',
  },
  no_archive_rerun: {
    problem: 'rerun with no archive, and its initial ({initial}) is not a live show',
    todo: 'upload the archive before the rerun',
  },
  live_not_recorded: {
    problem: 'rerun of a live show that was not recorded ({initial})',
    todo: 'record it (station live recording is off) or upload an archive',
  },
  live_recording_missing: {
    problem: 'rerun of a live show ({initial}) whose recording is not among the archives',
    todo: 'check the recording of the live show reached the archives, or upload an archive',
  },
  live_recording_off: {
    problem: 'rerun of a live show ({initial}) that will not be recorded',
    todo: 'record it (station live recording is off) or upload an archive',
  },
  initial_cancelled: {
    problem: 'rerun of a cancelled diffusion ({initial})',
    todo: 'cancel the rerun or give it an archive',
  },
  initial_unconfirmed: {
    problem: 'rerun of a diffusion that was never confirmed ({initial})',
    todo: 'cancel the rerun or give it an archive',
  },
  poor_quality: {
    problem: 'archive of poor quality: {archives}',
    todo: 'replace it or mark the program to accept any quality',
  },
}

function risk(kind: RiskKind, reason: RiskReason, params: Record<string, string> = {}) {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, key) => params[key] ?? '')
  const { problem, todo } = SENTENCES[reason]
  return { kind, reason, problem: fill(problem), todo: fill(todo), params }
}

/** The risk of one diffusion at `now`, or null when it should air as planned. */
export function diffusionRisk(
  facts: RiskFacts,
  station: StationLive,
  now: DateTime
): DiffusionRisk | null {
  const poor = facts.archives.filter((a) => a.isGoodQuality === false)
  if (poor.length && !facts.program.acceptAnyQuality)
    return risk('poor_quality', 'poor_quality', { archives: poor.map((a) => a.name).join(', ') })
  if (facts.archives.length) return null

  const { initial } = facts
  if (initial) return rerunRisk(initial, facts, station, now)

  if (facts.program.liveRecently) return null
  if (!station.liveInput) return risk('no_archive', 'no_archive_no_live_input')
  if (facts.program.hostsWithKey === 0) return risk('no_archive', 'no_archive_no_key')
  return risk('no_archive', 'no_archive_no_live')
}

function rerunRisk(
  initial: RiskInitial,
  facts: RiskFacts,
  station: StationLive,
  now: DateTime
): DiffusionRisk | null {
  const params = {
    initial: initial.start.setZone(station.zone).toFormat('yyyy-MM-dd HH:mm'),
  }
  const over = initial.end <= now
  if (initial.type === 'cancel') return risk('rerun_of_cancelled', 'initial_cancelled', params)
  if (initial.type === 'unconfirmed' && over)
    return risk('rerun_of_cancelled', 'initial_unconfirmed', params)
  if (over) {
    if (!initial.wentLive) return risk('no_archive', 'no_archive_rerun', params)
    return station.recordsLive
      ? risk('rerun_of_unrecorded_live', 'live_recording_missing', params)
      : risk('rerun_of_unrecorded_live', 'live_not_recorded', params)
  }
  // Still to come: live if it has gone live already or its program usually is.
  const live = initial.wentLive || facts.program.liveRecently
  if (!live) return risk('no_archive', 'no_archive_rerun', params)
  return station.recordsLive ? null : risk('rerun_of_unrecorded_live', 'live_recording_off', params)
}
