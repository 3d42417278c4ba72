/*
| Turns schedules into episodes and diffusions, one month at a time
| (Aircox's `diffusions --update`), in two steps: `plan()` reads and
| computes, `apply()` writes the plan in one transaction. A dry run is a plan
| that is printed instead of applied.
|
| Occurrences are keyed by (schedule, local date): a second run finds them all
| and creates nothing; a diffusion moved or cancelled by hand keeps its key
| and is left alone. A new diffusion that overlaps an `on_air` diffusion of
| the same station is created `unconfirmed` and reported.
*/
import { DateTime } from 'luxon'
import { touchChangeStamp } from '#models/change_stamp'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import antenneConfig from '#config/antenne'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { InvalidScheduleException } from '#exceptions/domain'
import { findStations, type StationRow } from '#scheduling/stations'
import {
  type Frequency,
  type Month,
  type Recurrence,
  daysBetween,
  formatMonth,
  isValidZone,
  monthIn,
  nextMonth,
  occurrenceOn,
  occurrencesOfMonth,
  recurrenceErrors,
  rerunDate,
} from '#scheduling/recurrence'
import { IntervalIndex, type Interval } from '#scheduling/interval_index'

export interface GenerationRequest {
  /** Station slugs; empty: every active station. */
  stations?: string[]
  /** A fixed month for every station; otherwise the current month in each station's zone. */
  month?: Month
  /** The month after the current one, in each station's zone. */
  nextMonth?: boolean
  /** The clock, for tests. */
  now?: DateTime
}

interface ScheduleRow {
  id: number
  programId: number
  programTitle: string
  initialId: number | null
  rule: Recurrence
}

type Ref = { id: number } | { ref: number }

export interface NewEpisode {
  ref: number
  programId: number
  title: string
  slug: string
}

export interface NewDiffusion {
  ref: number
  scheduleId: number
  programId: number
  programTitle: string
  occurrenceDate: string
  start: DateTime
  end: DateTime
  type: 'on_air' | 'unconfirmed'
  episode: Ref
  initial: Ref | null
}

export interface Conflict {
  diffusion: NewDiffusion
  with: Interval
}

export interface Move {
  id: number
  start: DateTime
  end: DateTime
}

export interface StationPlan {
  station: StationRow
  month: Month
  episodes: NewEpisode[]
  diffusions: NewDiffusion[]
  moves: Move[]
  existing: number
  conflicts: Conflict[]
}

export interface GenerationResult {
  station: string
  month: string
  created: number
  reruns: number
  existing: number
  moved: number
  conflicts: number
}

const CHUNK = 400

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const key = (scheduleId: number, date: string) => `${scheduleId}|${date}`

export class DiffusionGenerator {
  /**
   * Reads the stations' schedules and computes what a run would write.
   * Throws before anything is written when a station is unknown or a
   * schedule cannot be computed.
   */
  async plan(request: GenerationRequest = {}): Promise<StationPlan[]> {
    const now = request.now ?? DateTime.now()
    const stations = await findStations(request.stations)
    const badZones = stations.filter((s) => !isValidZone(s.timezone))
    if (badZones.length) {
      throw new InvalidScheduleException(
        badZones.map((s) => `station "${s.slug}": invalid time zone "${s.timezone}"`)
      )
    }

    const schedulesByStation = await this.schedules(stations.map((s) => s.id))
    const problems = [...schedulesByStation.values()]
      .flat()
      .flatMap((schedule) =>
        recurrenceErrors(schedule.rule).map(
          (error) => `schedule #${schedule.id} of "${schedule.programTitle}": ${error}`
        )
      )
    problems.push(...rerunProblems([...schedulesByStation.values()].flat()))
    if (problems.length) throw new InvalidScheduleException(problems)

    const plans: StationPlan[] = []
    for (const station of stations) {
      let month = request.month ?? monthIn(station.timezone, now)
      if (!request.month && request.nextMonth) month = nextMonth(month)
      plans.push(
        await this.planStation(station, month, schedulesByStation.get(station.id) ?? [], now)
      )
    }
    return plans
  }

  /** Writes the plans in one transaction. */
  async apply(plans: StationPlan[]): Promise<GenerationResult[]> {
    await db.transaction(async (trx) => {
      for (const plan of plans) await this.write(plan, trx)
    })
    touchChangeStamp()
    return plans.map((plan) => this.summarize(plan))
  }

  summarize(plan: StationPlan): GenerationResult {
    return {
      station: plan.station.slug,
      month: formatMonth(plan.month),
      created: plan.diffusions.filter((d) => !d.initial).length,
      reruns: plan.diffusions.filter((d) => d.initial).length,
      existing: plan.existing,
      moved: plan.moves.length,
      conflicts: plan.conflicts.length,
    }
  }

  /** Schedules of the active programs, grouped by station. */
  private async schedules(stationIds: number[]): Promise<Map<number, ScheduleRow[]>> {
    const byStation = new Map<number, ScheduleRow[]>()
    if (!stationIds.length) return byStation
    const rows = await db
      .from('schedules')
      .join('programs', 'programs.id', 'schedules.program_id')
      .whereIn('programs.station_id', stationIds)
      .where('programs.active', true)
      .select('schedules.*', 'programs.station_id as station_id', 'programs.title as program_title')
      .orderBy('schedules.id')
    for (const row of rows) {
      const list = byStation.get(row.station_id) ?? []
      list.push({
        id: row.id,
        programId: row.program_id,
        programTitle: row.program_title,
        initialId: row.initial_id,
        rule: {
          date: row.date,
          endDate: row.end_date,
          time: row.time,
          timezone: row.timezone,
          duration: Number(row.duration),
          frequency: row.frequency as Frequency,
        },
      })
      byStation.set(row.station_id, list)
    }
    return byStation
  }

  private async planStation(
    station: StationRow,
    month: Month,
    schedules: ScheduleRow[],
    now: DateTime
  ): Promise<StationPlan> {
    const plan: StationPlan = {
      station,
      month,
      episodes: [],
      diffusions: [],
      moves: [],
      existing: 0,
      conflicts: [],
    }
    const initials = schedules.filter((s) => !s.initialId)
    const rerunsOf = new Map<number, ScheduleRow[]>()
    for (const rerun of schedules.filter((s) => s.initialId)) {
      rerunsOf.set(rerun.initialId!, [...(rerunsOf.get(rerun.initialId!) ?? []), rerun])
    }

    const existing = await this.existingDiffusions(schedules, month)
    const slugs = new EpisodeSlugs(await this.existingSlugs(schedules, month))
    let ref = 0

    const keep = (
      scheduleId: number,
      occurrence: { date: string; start: DateTime; end: DateTime }
    ) => {
      const found = existing.get(key(scheduleId, occurrence.date))
      if (!found) return null
      plan.existing++
      // A diffusion nobody edited follows its schedule, until it has begun.
      const differs = +found.start !== +occurrence.start || +found.end !== +occurrence.end
      if (!found.edited && differs && found.start > now && occurrence.start > now) {
        plan.moves.push({ id: found.id, start: occurrence.start, end: occurrence.end })
      }
      return found
    }

    for (const schedule of initials) {
      for (const occurrence of occurrencesOfMonth(schedule.rule, month)) {
        let episode: Ref
        let initial: Ref
        const found = keep(schedule.id, occurrence)
        if (found) {
          episode = { id: found.episodeId }
          initial = { id: found.id }
        } else {
          const newEpisode: NewEpisode = {
            ref: ref++,
            programId: schedule.programId,
            title: antenneConfig.episodeTitle
              .replace('{program}', schedule.programTitle)
              .replace('{date}', longDate(occurrence.date)),
            slug: slugs.take(
              schedule.programId,
              occurrence.date,
              schedule.rule.time.replace(':', '')
            ),
          }
          plan.episodes.push(newEpisode)
          episode = { ref: newEpisode.ref }
          const diffusion = this.newDiffusion(ref++, schedule, occurrence, episode, null)
          plan.diffusions.push(diffusion)
          initial = { ref: diffusion.ref }
        }

        for (const rerun of rerunsOf.get(schedule.id) ?? []) {
          const date = rerunDate(schedule.rule, rerun.rule, occurrence.date)
          if (!date) continue
          const rerunOccurrence = occurrenceOn(rerun.rule, date)
          if (keep(rerun.id, rerunOccurrence)) continue
          plan.diffusions.push(this.newDiffusion(ref++, rerun, rerunOccurrence, episode, initial))
        }
      }
    }

    await this.markConflicts(plan)
    return plan
  }

  private newDiffusion(
    ref: number,
    schedule: ScheduleRow,
    occurrence: { date: string; start: DateTime; end: DateTime },
    episode: Ref,
    initial: Ref | null
  ): NewDiffusion {
    return {
      ref,
      scheduleId: schedule.id,
      programId: schedule.programId,
      programTitle: schedule.programTitle,
      occurrenceDate: occurrence.date,
      start: occurrence.start,
      end: occurrence.end,
      type: 'on_air',
      episode,
      initial,
    }
  }

  /**
   * Diffusions already generated for these schedules in this month, and the
   * reruns of this month's airings that fall later.
   */
  private async existingDiffusions(schedules: ScheduleRow[], month: Month) {
    const found = new Map<
      string,
      { id: number; episodeId: number; start: DateTime; end: DateTime; edited: boolean }
    >()
    const from = `${formatMonth(month)}-01`
    const to = `${formatMonth(nextMonth(month))}-01`
    // Reruns may air up to their offset after the month's end.
    const longestOffset = Math.max(
      0,
      ...schedules
        .filter((s) => s.initialId)
        .map((s) => {
          const initial = schedules.find((i) => i.id === s.initialId)
          return initial ? daysBetween(initial.rule.date, s.rule.date) : 0
        })
    )
    const until = DateTime.fromISO(to, { zone: 'utc' })
      .plus({ days: longestOffset + 1 })
      .toISODate()!
    for (const ids of chunks(schedules.map((s) => s.id))) {
      const rows = await db
        .from('diffusions')
        .select('id', 'schedule_id', 'occurrence_date', 'episode_id', 'start', 'end', 'edited')
        .whereIn('schedule_id', ids)
        .where('occurrence_date', '>=', from)
        .where('occurrence_date', '<', until)
      for (const row of rows) {
        found.set(key(row.schedule_id, row.occurrence_date), {
          id: row.id,
          episodeId: row.episode_id,
          start: fromSqlDateTime(row.start)!,
          end: fromSqlDateTime(row.end)!,
          edited: Boolean(row.edited),
        })
      }
    }
    return found
  }

  private async existingSlugs(schedules: ScheduleRow[], month: Month) {
    const programIds = [...new Set(schedules.map((s) => s.programId))]
    const taken = new Set<string>()
    for (const ids of chunks(programIds)) {
      const rows = await db
        .from('episodes')
        .select('program_id', 'slug')
        .whereIn('program_id', ids)
        .where((q) => {
          q.where('slug', 'like', `${formatMonth(month)}%`).orWhere(
            'slug',
            'like',
            `${formatMonth(nextMonth(month))}%`
          )
        })
      for (const row of rows) taken.add(`${row.program_id}|${row.slug}`)
    }
    return taken
  }

  /**
   * New diffusions, in start order, against the station's `on_air` ones
   * (in the database and accepted so far): an overlap makes it unconfirmed.
   */
  private async markConflicts(plan: StationPlan) {
    if (!plan.diffusions.length) return
    const candidates = [...plan.diffusions].sort(
      (a, b) => +a.start - +b.start || a.scheduleId - b.scheduleId
    )
    const from = candidates[0].start
    const to = DateTime.max(...candidates.map((d) => d.end))!
    const moved = new Map(plan.moves.map((m) => [m.id, m]))

    const index = new IntervalIndex()
    const rows = await db
      .from('diffusions')
      .join('programs', 'programs.id', 'diffusions.program_id')
      .where('programs.station_id', plan.station.id)
      .where('diffusions.type', 'on_air')
      .where('diffusions.start', '<', sqlDateTime(to))
      // A lower bound on start keeps this an index range (no diffusion lasts
      // two days); `end` alone would scan every earlier diffusion.
      .where('diffusions.start', '>=', sqlDateTime(from.minus({ days: 2 })))
      .where('diffusions.end', '>', sqlDateTime(from))
      .select('diffusions.id', 'diffusions.start', 'diffusions.end', 'programs.title')
    for (const row of rows) {
      const move = moved.get(row.id)
      index.add({
        id: row.id,
        title: row.title,
        start: move?.start ?? fromSqlDateTime(row.start)!,
        end: move?.end ?? fromSqlDateTime(row.end)!,
      })
    }
    index.seal()

    for (const diffusion of candidates) {
      const overlapping = index.overlapping(diffusion)
      if (overlapping) {
        diffusion.type = 'unconfirmed'
        plan.conflicts.push({ diffusion, with: overlapping })
      } else {
        index.append({ title: diffusion.programTitle, start: diffusion.start, end: diffusion.end })
      }
    }
  }

  private async write(plan: StationPlan, trx: TransactionClientContract) {
    const stamp = sqlDateTime(DateTime.now())
    const episodeIds = new Map<number, number>()
    const diffusionIds = new Map<number, number>()

    for (const batch of chunks(plan.episodes)) {
      await trx
        .insertQuery()
        .table('episodes')
        .multiInsert(
          batch.map((e) => ({
            program_id: e.programId,
            title: e.title,
            slug: e.slug,
            created_at: stamp,
            updated_at: stamp,
          }))
        )
      // Read the ids back by their unique (program, slug): multi-row
      // inserts return no ids on MariaDB.
      const bySlug = new Map(batch.map((e) => [`${e.programId}|${e.slug}`, e.ref]))
      const rows = await trx
        .from('episodes')
        .select('id', 'program_id', 'slug')
        .whereIn('program_id', [...new Set(batch.map((e) => e.programId))])
        .whereIn('slug', [...new Set(batch.map((e) => e.slug))])
      for (const row of rows) {
        const ref = bySlug.get(`${row.program_id}|${row.slug}`)
        if (ref !== undefined) episodeIds.set(ref, row.id)
      }
    }

    const resolve = (ref: Ref, ids: Map<number, number>) =>
      'id' in ref ? ref.id : ids.get(ref.ref)!
    const insertDiffusions = async (list: NewDiffusion[]) => {
      for (const batch of chunks(list)) {
        await trx
          .insertQuery()
          .table('diffusions')
          .multiInsert(
            batch.map((d) => ({
              episode_id: resolve(d.episode, episodeIds),
              program_id: d.programId,
              schedule_id: d.scheduleId,
              initial_id: d.initial ? resolve(d.initial, diffusionIds) : null,
              type: d.type,
              start: sqlDateTime(d.start),
              end: sqlDateTime(d.end),
              occurrence_date: d.occurrenceDate,
              edited: false,
              created_at: stamp,
              updated_at: stamp,
            }))
          )
        const byKey = new Map(batch.map((d) => [key(d.scheduleId, d.occurrenceDate), d.ref]))
        const rows = await trx
          .from('diffusions')
          .select('id', 'schedule_id', 'occurrence_date')
          .whereIn('schedule_id', [...new Set(batch.map((d) => d.scheduleId))])
          .whereIn('occurrence_date', [...new Set(batch.map((d) => d.occurrenceDate))])
        for (const row of rows) {
          const ref = byKey.get(key(row.schedule_id, row.occurrence_date))
          if (ref !== undefined) diffusionIds.set(ref, row.id)
        }
      }
    }
    // Initial airings first: reruns need their ids.
    await insertDiffusions(plan.diffusions.filter((d) => !d.initial))
    await insertDiffusions(plan.diffusions.filter((d) => d.initial))

    for (const move of plan.moves) {
      await trx
        .from('diffusions')
        .where('id', move.id)
        .update({ start: sqlDateTime(move.start), end: sqlDateTime(move.end), updated_at: stamp })
    }
  }
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** "2 January 2030" from 2030-01-02 (luxon's toFormat is too slow for 50k titles). */
function longDate(date: string) {
  return `${Number(date.slice(8, 10))} ${MONTH_NAMES[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`
}

/** A rerun must follow an initial schedule of an active program, on or after its date. */
function rerunProblems(schedules: ScheduleRow[]): string[] {
  const byId = new Map(schedules.map((s) => [s.id, s]))
  return schedules
    .filter((s) => s.initialId)
    .flatMap((rerun) => {
      const initial = byId.get(rerun.initialId!)
      const where = `rerun schedule #${rerun.id} of "${rerun.programTitle}"`
      if (!initial)
        return [`${where}: its initial schedule #${rerun.initialId} is not an active schedule`]
      if (initial.initialId)
        return [`${where}: its initial schedule #${initial.id} is itself a rerun`]
      if (rerun.rule.date < initial.rule.date) {
        return [
          `${where}: its date ${rerun.rule.date} is before the initial's ${initial.rule.date}`,
        ]
      }
      return []
    })
}

/** Episode slugs unique per program: the date, then the time, then a number. */
class EpisodeSlugs {
  constructor(private taken: Set<string>) {}

  take(programId: number, date: string, time: string): string {
    for (const candidate of [date, `${date}-${time}`]) {
      if (this.claim(programId, candidate)) return candidate
    }
    for (let n = 2; ; n++) {
      if (this.claim(programId, `${date}-${time}-${n}`)) return `${date}-${time}-${n}`
    }
  }

  private claim(programId: number, slug: string) {
    const id = `${programId}|${slug}`
    if (this.taken.has(id)) return false
    this.taken.add(id)
    return true
  }
}
