/*
| Schedule arithmetic: pure functions, no database.
|
| A schedule (Aircox's Schedule) is a recurrence rule in local wall-clock time:
| the weekday and the 14-day phase come from `date`, which is also the lower
| bound; `endDate` is the upper bound. Local calendar dates travel as ISO
| strings (YYYY-MM-DD) and are handled as UTC midnights, where day arithmetic
| has no DST; instants are UTC luxon DateTimes.
*/
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon'
import { zoneOffset } from '#scheduling/zone_offsets'

export const FREQUENCIES = [
  'ponctual',
  'first',
  'second',
  'third',
  'fourth',
  'last',
  'first_and_third',
  'second_and_fourth',
  'every',
  'one_on_two',
] as const

export type Frequency = (typeof FREQUENCIES)[number]

/** The parts of a schedule that decide when it airs. */
export interface Recurrence {
  /** Local date of the first diffusion (YYYY-MM-DD): weekday, phase and lower bound. */
  date: string
  /** Local date after which nothing airs (inclusive), if any. */
  endDate?: string | null
  /** Local wall-clock time (HH:MM) in `timezone`. */
  time: string
  /** IANA zone name. */
  timezone: string
  /** Elapsed minutes. */
  duration: number
  frequency: Frequency
}

/** A concrete airing computed from a rule. */
export interface Occurrence {
  /** The local calendar date that produced it (the key that survives edits). */
  date: string
  start: DateTime
  end: DateTime
}

/** Months are addressed as { year, month } with month 1..12. */
export interface Month {
  year: number
  month: number
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/
const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/
const DAY_MS = 86_400_000
const UTC = FixedOffsetZone.utcInstance

const zoneValidity = new Map<string, boolean>()

/** Whether a name is an IANA zone (memoized: luxon builds an Intl formatter per check). */
export function isValidZone(zone: string): boolean {
  if (typeof zone !== 'string' || !zone.length) return false
  let valid = zoneValidity.get(zone)
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone)
    zoneValidity.set(zone, valid)
  }
  return valid
}

export function isValidTime(time: string): boolean {
  return typeof time === 'string' && TIME_RE.test(time)
}

export function isValidDate(date: string): boolean {
  const match = typeof date === 'string' ? DATE_RE.exec(date) : null
  if (!match) return false
  const parsed = DateTime.fromISO(date, { zone: 'utc' })
  return parsed.isValid && parsed.toISODate() === date
}

export function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value)
}

/**
 * Every reason why a rule cannot be computed, in plain words. Empty when the
 * rule is sound. Used on data read from the database, which another tool or
 * a hand-written SQL statement may have filled.
 */
export function recurrenceErrors(rule: Recurrence): string[] {
  const errors: string[] = []
  if (!isValidDate(rule.date)) errors.push(`invalid date "${rule.date}" (expected YYYY-MM-DD)`)
  if (rule.endDate !== null && rule.endDate !== undefined) {
    if (!isValidDate(rule.endDate)) {
      errors.push(`invalid end date "${rule.endDate}" (expected YYYY-MM-DD)`)
    } else if (isValidDate(rule.date) && rule.endDate < rule.date) {
      errors.push(`end date ${rule.endDate} is before the first date ${rule.date}`)
    }
  }
  if (!isValidTime(rule.time)) errors.push(`invalid time "${rule.time}" (expected HH:MM)`)
  if (!isValidZone(rule.timezone)) errors.push(`invalid time zone "${rule.timezone}"`)
  if (!Number.isInteger(rule.duration) || rule.duration <= 0) {
    errors.push(`invalid duration "${rule.duration}" (expected a positive number of minutes)`)
  }
  if (!isFrequency(rule.frequency)) errors.push(`invalid frequency "${rule.frequency}"`)
  return errors
}

export function parseMonth(value: string): Month | null {
  const match = MONTH_RE.exec(value)
  return match ? { year: Number(match[1]), month: Number(match[2]) } : null
}

export function formatMonth({ year, month }: Month): string {
  return `${year}-${String(month).padStart(2, '0')}`
}

export function nextMonth({ year, month }: Month): Month {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 }
}

/** The month that `at` falls in, on the wall clocks of `zone`. */
export function monthIn(zone: string, at: DateTime): Month {
  const local = at.setZone(zone)
  return { year: local.year, month: local.month }
}

/** Days since the epoch of a YYYY-MM-DD calendar date (no zone, no DST). */
function epochDay(date: string): number {
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) /
    DAY_MS
  )
}

function isoDate(epochDays: number): string {
  return new Date(epochDays * DAY_MS).toISOString().slice(0, 10)
}

/** Whole days from `a` to `b` (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return epochDay(b) - epochDay(a)
}

export function addDays(date: string, days: number): string {
  return isoDate(epochDay(date) + days)
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day since the epoch. */
function isoWeekday(epochDays: number): number {
  return ((new Date(epochDays * DAY_MS).getUTCDay() + 6) % 7) + 1
}

/** Monday to Sunday (YYYY-MM-DD) of the ISO week holding `date`. */
export function weekOf(date: string): string[] {
  const monday = epochDay(date) - (isoWeekday(epochDay(date)) - 1)
  return Array.from({ length: 7 }, (_, i) => isoDate(monday + i))
}

/** The dates of `month` that fall on the given ISO weekday (1 = Monday). */
export function weekdaysOfMonth({ year, month }: Month, weekday: number): string[] {
  const first = Date.UTC(year, month - 1, 1) / DAY_MS
  const length = Date.UTC(year, month, 1) / DAY_MS - first
  const firstWeekday = isoWeekday(first)
  const dates: string[] = []
  for (let day = (weekday - firstWeekday + 7) % 7; day < length; day += 7)
    dates.push(isoDate(first + day))
  return dates
}

/**
 * The local dates of `month` on which the rule airs, in order.
 *
 * "first".."fourth" are the Nth occurrence of the weekday in the month (not
 * ISO weeks), "last" the last one, "every" all 4 or 5. "one_on_two" keeps the
 * dates an even number of weeks away from `date`. Unlike Aircox, `date` is a
 * lower bound and "ponctual" gives its one date.
 */
export function datesOfMonth(rule: Recurrence, month: Month): string[] {
  const weekday = isoWeekday(epochDay(rule.date))
  const all = weekdaysOfMonth(month, weekday)
  let picked: string[]
  switch (rule.frequency) {
    case 'ponctual':
      picked = rule.date.startsWith(formatMonth(month)) ? [rule.date] : []
      break
    case 'first':
      picked = [all[0]]
      break
    case 'second':
      picked = [all[1]]
      break
    case 'third':
      picked = [all[2]]
      break
    case 'fourth':
      picked = [all[3]]
      break
    case 'last':
      picked = [all[all.length - 1]]
      break
    case 'first_and_third':
      picked = [all[0], all[2]]
      break
    case 'second_and_fourth':
      picked = [all[1], all[3]]
      break
    case 'every':
      picked = all
      break
    case 'one_on_two':
      // Euclidean remainder: the phase also holds for dates before `date`.
      picked = all.filter((d) => ((daysBetween(rule.date, d) % 14) + 14) % 14 === 0)
      break
    default:
      throw new Error(`invalid frequency "${rule.frequency}"`)
  }
  return picked.filter((d) => d >= rule.date && (!rule.endDate || d <= rule.endDate))
}

/**
 * The instant at which a wall-clock time happens in a zone.
 *
 * RFC 5545 rules: a time inside a spring-forward gap is moved later by the
 * length of the gap (02:30 becomes 03:30), and a time that occurs twice on
 * an autumn night is its first occurrence (the one still in summer time).
 */
export function wallClockToUtc(date: string, time: string, zone: string): DateTime {
  const [year, month, day] = date.split('-').map(Number)
  const [hour, minute] = time.split(':').map(Number)
  // The wall-clock reading taken as if it were UTC; the real instant is this
  // minus the zone's offset, and the offset is one of those around it.
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  const offsetBefore = zoneOffset(zone, wall - DAY_MS)
  const offsetAfter = zoneOffset(zone, wall + DAY_MS)
  const candidates = [offsetBefore, offsetAfter]
    .map((offset) => wall - offset * 60_000)
    .filter((instant) => zoneOffset(zone, instant) * 60_000 === wall - instant)
  const instant = candidates.length
    ? Math.min(...candidates)
    : // In a gap: keep the offset in force before the transition.
      wall - offsetBefore * 60_000
  return DateTime.fromMillis(instant, { zone: UTC })
}

/** Start and end of the rule's airing on one local date. Duration is elapsed time. */
export function occurrenceOn(rule: Recurrence, date: string): Occurrence {
  const start = wallClockToUtc(date, rule.time, rule.timezone)
  return {
    date,
    start,
    end: DateTime.fromMillis(start.toMillis() + rule.duration * 60_000, { zone: UTC }),
  }
}

export function occurrencesOfMonth(rule: Recurrence, month: Month): Occurrence[] {
  return datesOfMonth(rule, month).map((date) => occurrenceOn(rule, date))
}

/**
 * The local date of a rerun of the initial airing on `initialDate`: the same
 * number of days after it as the rerun schedule's date is after the initial
 * schedule's date. It may fall in the next month. Null when outside the
 * rerun schedule's bounds.
 */
export function rerunDate(
  initial: Recurrence,
  rerun: Recurrence,
  initialDate: string
): string | null {
  const date = addDays(initialDate, daysBetween(initial.date, rerun.date))
  if (date < rerun.date || (rerun.endDate && date > rerun.endDate)) return null
  return date
}

/**
 * The next `count` occurrences at or after `from`, whatever the month: the
 * preview a scheduler sees while typing a rule.
 */
export function nextOccurrences(rule: Recurrence, from: DateTime, count: number): Occurrence[] {
  const found: Occurrence[] = []
  let month = monthIn(rule.timezone, from)
  const first = parseMonth(rule.date.slice(0, 7))!
  if (first.year * 12 + first.month > month.year * 12 + month.month) month = first
  // Ten years is plenty: a rule with an end date or a ponctual one stops early.
  for (let i = 0; i < 120 && found.length < count; i++) {
    for (const occurrence of occurrencesOfMonth(rule, month)) {
      if (occurrence.end > from && found.length < count) found.push(occurrence)
    }
    if (rule.endDate && formatMonth(month) > rule.endDate.slice(0, 7)) break
    month = nextMonth(month)
  }
  return found
}

/** Half-open intervals [start, end) overlap. */
export function overlaps(
  a: { start: DateTime; end: DateTime },
  b: { start: DateTime; end: DateTime }
) {
  return a.start < b.end && b.start < a.end
}

/** The UTC instants bounding a local day [its 00:00, the next day's 00:00). */
export function localDayBounds(day: string, zone: string): [DateTime, DateTime] {
  return [wallClockToUtc(day, '00:00', zone), wallClockToUtc(addDays(day, 1), '00:00', zone)]
}

/** The UTC instants bounding a local month. */
export function localMonthBounds(month: Month, zone: string): [DateTime, DateTime] {
  const first = `${formatMonth(month)}-01`
  return [
    wallClockToUtc(first, '00:00', zone),
    wallClockToUtc(`${formatMonth(nextMonth(month))}-01`, '00:00', zone),
  ]
}
