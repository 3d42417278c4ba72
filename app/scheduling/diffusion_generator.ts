/*
| Turns schedules into episodes and diffusions, one month at a time
| (Aircox's `diffusions --update`), in two steps: `plan()` reads what the
| database holds and hands it to the pure `planMonth()` (month_plan.ts, where
| the rules are), `apply()` writes the plans in one transaction. A dry run is
| a plan that is printed instead of applied.
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
  formatMonth,
  isValidZone,
  monthIn,
  nextMonth,
  recurrenceErrors,
} from '#scheduling/recurrence'
import type { Interval } from '#scheduling/interval_index'
import {
  type ConflictWindow,
  type ExistingDiffusion,
  type MonthPlan,
  type NewDiffusion,
  type Ref,
  type ScheduleRow,
  conflictWindow,
  markConflicts,
  planMonth,
  readWindow,
  rerunProblems,
} from '#scheduling/month_plan'
import { batches, idsPerQuery, rowsPerInsert } from '#models/batch_size'
import { diffusionChange } from '#models/table_columns'
import { emitScheduleChanged, type ChangedDiffusion, type Span } from '#scheduling/schedule_changes'

export type { Conflict, Move, NewDiffusion, NewEpisode } from '#scheduling/month_plan'

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

export interface StationPlan extends MonthPlan {
  station: StationRow
  month: Month
  /** Where each moved diffusion aired before the move (by id). */
  movedFrom: Map<number, Span>
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

  /**
   * Writes the plans in one transaction; then, for each station the run
   * changed, one schedule_changed event covering what it created and moved.
   */
  async apply(plans: StationPlan[]): Promise<GenerationResult[]> {
    const created = new Map<StationPlan, number[]>()
    await db.transaction(async (trx) => {
      for (const plan of plans) created.set(plan, await this.write(plan, trx))
    })
    touchChangeStamp()
    for (const plan of plans) this.announce(plan, created.get(plan)!)
    return plans.map((plan) => this.summarize(plan))
  }

  /** The event of one station's run: its new and moved diffusions (none: no event). */
  private announce(plan: StationPlan, createdIds: number[]) {
    const diffusions: ChangedDiffusion[] = plan.diffusions.map((d, i) => ({
      id: createdIds[i],
      kind: 'created',
      spans: [{ start: d.start, end: d.end }],
    }))
    for (const move of plan.moves) {
      const before = plan.movedFrom.get(move.id)
      diffusions.push({
        id: move.id,
        kind: 'moved',
        spans: [{ start: move.start, end: move.end }, ...(before ? [before] : [])],
      })
    }
    emitScheduleChanged({
      station: plan.station.slug,
      diffusions,
      source: 'generation',
      month: formatMonth(plan.month),
    })
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
    const existing = await this.existingDiffusions(schedules, readWindow(schedules, month))
    const plan = planMonth({
      month,
      schedules,
      existing,
      takenSlugs: await this.existingSlugs(schedules, month),
      episodeTitle: antenneConfig.episodeTitle,
      now,
    })
    // Only new diffusions can conflict: a re-run reads nothing more.
    const window = conflictWindow(plan)
    if (window) markConflicts(plan, await this.onAir(station, window))
    const moved = new Set(plan.moves.map((m) => m.id))
    const movedFrom = new Map<number, Span>()
    for (const e of existing)
      if (moved.has(e.id)) movedFrom.set(e.id, { start: e.start, end: e.end })
    return { station, month, ...plan, movedFrom }
  }

  /** Diffusions already generated for these schedules with an occurrence date in the window. */
  private async existingDiffusions(
    schedules: ScheduleRow[],
    dates: { from: string; until: string }
  ): Promise<ExistingDiffusion[]> {
    const found: ExistingDiffusion[] = []
    for (const ids of batches(
      schedules.map((s) => s.id),
      idsPerQuery()
    )) {
      const rows = await db
        .from('diffusions')
        .select('id', 'schedule_id', 'occurrence_date', 'episode_id', 'start', 'end', 'edited')
        .whereIn('schedule_id', ids)
        .where('occurrence_date', '>=', dates.from)
        .where('occurrence_date', '<', dates.until)
      for (const row of rows) {
        found.push({
          id: row.id,
          scheduleId: row.schedule_id,
          occurrenceDate: row.occurrence_date,
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
    const taken: string[] = []
    for (const ids of batches(programIds, idsPerQuery())) {
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
      for (const row of rows) taken.push(`${row.program_id}|${row.slug}`)
    }
    return taken
  }

  /** The station's `on_air` diffusions that may overlap the month's new ones. */
  private async onAir(station: StationRow, window: ConflictWindow): Promise<Interval[]> {
    const rows = await db
      .from('diffusions')
      .join('programs', 'programs.id', 'diffusions.program_id')
      .where('programs.station_id', station.id)
      .where('diffusions.type', 'on_air')
      .where('diffusions.start', '>=', sqlDateTime(window.startFrom))
      .where('diffusions.start', '<', sqlDateTime(window.startBefore))
      .where('diffusions.end', '>', sqlDateTime(window.endAfter))
      .select('diffusions.id', 'diffusions.start', 'diffusions.end', 'programs.title')
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      start: fromSqlDateTime(row.start)!,
      end: fromSqlDateTime(row.end)!,
    }))
  }

  /** Returns the ids of the new diffusions, in the order of plan.diffusions. */
  private async write(plan: StationPlan, trx: TransactionClientContract): Promise<number[]> {
    const stamp = sqlDateTime(DateTime.now())
    const episodeIds = await insertAll(
      trx,
      'episodes',
      plan.episodes.map((e) => ({
        program_id: e.programId,
        title: e.title,
        slug: e.slug,
        created_at: stamp,
        updated_at: stamp,
      }))
    )
    const byRef = new Map<number, number>()
    plan.episodes.forEach((e, i) => byRef.set(e.ref, episodeIds[i]))

    const resolve = (ref: Ref) => ('id' in ref ? ref.id : byRef.get(ref.ref)!)
    const insertDiffusions = async (list: NewDiffusion[]) => {
      const ids = await insertAll(
        trx,
        'diffusions',
        list.map((d) => ({
          episode_id: resolve(d.episode),
          program_id: d.programId,
          schedule_id: d.scheduleId,
          initial_id: d.initial ? resolve(d.initial) : null,
          type: d.type,
          start: sqlDateTime(d.start),
          end: sqlDateTime(d.end),
          occurrence_date: d.occurrenceDate,
          edited: false,
          created_at: stamp,
          updated_at: stamp,
        }))
      )
      list.forEach((d, i) => byRef.set(d.ref, ids[i]))
    }
    // Initial airings first: reruns need their ids.
    await insertDiffusions(plan.diffusions.filter((d) => !d.initial))
    await insertDiffusions(plan.diffusions.filter((d) => d.initial))

    for (const move of plan.moves) {
      await trx
        .from('diffusions')
        .where('id', move.id)
        .update(
          diffusionChange({
            start: sqlDateTime(move.start),
            end: sqlDateTime(move.end),
            updatedAt: stamp,
          })
        )
    }
    return plan.diffusions.map((d) => byRef.get(d.ref)!)
  }
}

/**
 * Inserts rows with multi-row INSERTs and returns their ids, in order, without
 * reading them back: one statement's rows get consecutive ids. SQLite
 * reports the last one (the statement holds the database's write lock);
 * MariaDB/MySQL the first one, consecutive as long as InnoDB's auto-increment
 * lock mode is not "interleaved" (2) and the increment is 1, which
 * `consecutiveIds` checks once per process.
 */
async function insertAll(
  trx: TransactionClientContract,
  table: string,
  rows: Record<string, unknown>[]
): Promise<number[]> {
  if (!rows.length) return []
  const mysql = trx.dialect.name === 'mysql'
  if (mysql && !(await consecutiveIds(trx))) {
    const ids: number[] = []
    for (const row of rows) ids.push(Number((await trx.table(table).insert(row))[0]))
    return ids
  }
  const ids: number[] = []
  for (const batch of batches(rows, rowsPerInsert(Object.keys(rows[0]).length))) {
    const [reported] = await trx.insertQuery().table(table).multiInsert(batch)
    const first = mysql ? Number(reported) : Number(reported) - batch.length + 1
    for (let i = 0; i < batch.length; i++) ids.push(first + i)
  }
  return ids
}

let consecutive: boolean | undefined

async function consecutiveIds(trx: TransactionClientContract): Promise<boolean> {
  if (consecutive === undefined) {
    const [rows] = await trx.rawQuery(
      'SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS increment'
    )
    consecutive = Number(rows[0].mode) !== 2 && Number(rows[0].increment) === 1
  }
  return consecutive
}
