/*
| What one month of generation writes for one station: a pure function of
| the schedules and of what the database already holds. No database, no I/O;
| `diffusion_generator.ts` reads its inputs and writes its output.
|
| Occurrences are keyed by (schedule, local date): a second run finds them all
| and creates nothing; a diffusion moved or cancelled by hand keeps its key
| and is left alone. A new diffusion that overlaps an `on_air` diffusion of
| the same station is created `unconfirmed` and reported (`markConflicts`,
| once the station's diffusions around the new ones are read: a re-run that
| creates nothing reads none).
*/
import { DateTime } from 'luxon'
import {
  type Month,
  type Recurrence,
  addDays,
  daysBetween,
  formatMonth,
  nextMonth,
  occurrenceOn,
  occurrencesOfMonth,
  rerunDate,
} from '#scheduling/recurrence'
import { IntervalIndex, type Interval } from '#scheduling/interval_index'

export interface ScheduleRow {
  id: number
  programId: number
  programTitle: string
  initialId: number | null
  rule: Recurrence
}

/** A diffusion already in the database, found by its (schedule, local date) key. */
export interface ExistingDiffusion {
  id: number
  scheduleId: number
  occurrenceDate: string
  episodeId: number
  start: DateTime
  end: DateTime
  edited: boolean
}

/** A row to create (`ref`, local to the plan) or one that exists (`id`). */
export type Ref = { id: number } | { ref: number }

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

export interface MonthPlan {
  episodes: NewEpisode[]
  diffusions: NewDiffusion[]
  moves: Move[]
  existing: number
  conflicts: Conflict[]
}

export interface MonthPlanInput {
  month: Month
  /** The station's schedules of active programs, initials and reruns. */
  schedules: ScheduleRow[]
  /** Diffusions of these schedules with an occurrence date in `readWindow(...).dates`. */
  existing: ExistingDiffusion[]
  /** Episode slugs taken, as `${programId}|${slug}`, for this month and the next. */
  takenSlugs: Iterable<string>
  /** Episode title template with `{program}` and `{date}`. */
  episodeTitle: string
  now: DateTime
}

const key = (scheduleId: number, date: string) => `${scheduleId}|${date}`

/**
 * The occurrence dates [from, until) the database must be read for, to plan
 * `month`: reruns may air up to their offset after the month's end.
 */
export function readWindow(schedules: ScheduleRow[], month: Month) {
  const byId = new Map(schedules.map((s) => [s.id, s]))
  const longestOffset = Math.max(
    0,
    ...schedules
      .filter((s) => s.initialId)
      .map((s) => {
        const initial = byId.get(s.initialId!)
        return initial ? daysBetween(initial.rule.date, s.rule.date) : 0
      })
  )
  const from = `${formatMonth(month)}-01`
  const until = addDays(`${formatMonth(nextMonth(month))}-01`, longestOffset + 1)
  return { from, until }
}

/**
 * The episodes, diffusions and moves of one station's month; its new
 * diffusions are all `on_air` until `markConflicts` has seen the station's.
 */
export function planMonth(input: MonthPlanInput): MonthPlan {
  const { schedules, month, now } = input
  const plan: MonthPlan = { episodes: [], diffusions: [], moves: [], existing: 0, conflicts: [] }
  const initials = schedules.filter((s) => !s.initialId)
  const rerunsOf = new Map<number, ScheduleRow[]>()
  for (const rerun of schedules.filter((s) => s.initialId)) {
    rerunsOf.set(rerun.initialId!, [...(rerunsOf.get(rerun.initialId!) ?? []), rerun])
  }
  const existing = new Map(input.existing.map((d) => [key(d.scheduleId, d.occurrenceDate), d]))
  const slugs = new EpisodeSlugs(new Set(input.takenSlugs))
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
          title: input.episodeTitle
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
        const diffusion = newDiffusion(ref++, schedule, occurrence, episode, null)
        plan.diffusions.push(diffusion)
        initial = { ref: diffusion.ref }
      }

      for (const rerun of rerunsOf.get(schedule.id) ?? []) {
        const date = rerunDate(schedule.rule, rerun.rule, occurrence.date)
        if (!date) continue
        const rerunOccurrence = occurrenceOn(rerun.rule, date)
        if (keep(rerun.id, rerunOccurrence)) continue
        plan.diffusions.push(newDiffusion(ref++, rerun, rerunOccurrence, episode, initial))
      }
    }
  }

  return plan
}

export interface ConflictWindow {
  startFrom: DateTime
  startBefore: DateTime
  endAfter: DateTime
}

/**
 * Where `on_air` diffusions may overlap the plan's new ones, or null when
 * nothing is new: those starting in [startFrom, startBefore) (a bound on
 * start keeps the query an index range; no diffusion lasts two days) and
 * ending after `endAfter`.
 */
export function conflictWindow(plan: MonthPlan): ConflictWindow | null {
  if (!plan.diffusions.length) return null
  let first = plan.diffusions[0].start
  let last = plan.diffusions[0].end
  for (const d of plan.diffusions) {
    if (d.start < first) first = d.start
    if (d.end > last) last = d.end
  }
  return { startFrom: first.minus({ days: 2 }), startBefore: last, endAfter: first }
}

function newDiffusion(
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
 * New diffusions, in start order, against the station's `on_air` ones in
 * `conflictWindow(plan)` (where this plan's moves put them, and those
 * accepted so far): an overlap makes it unconfirmed.
 */
export function markConflicts(plan: MonthPlan, onAir: Interval[]) {
  if (!plan.diffusions.length) return
  const candidates = [...plan.diffusions].sort(
    (a, b) => +a.start - +b.start || a.scheduleId - b.scheduleId
  )
  const moved = new Map(plan.moves.map((m) => [m.id, m]))
  const index = new IntervalIndex()
  for (const interval of onAir) {
    const move = interval.id === undefined ? undefined : moved.get(interval.id)
    index.add(move ? { ...interval, start: move.start, end: move.end } : interval)
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

/** A rerun must follow an initial schedule of an active program, on or after its date. */
export function rerunProblems(schedules: ScheduleRow[]): string[] {
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
