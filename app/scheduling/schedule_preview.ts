/*
| The next dates of a schedule as a scheduler types it: the same arithmetic
| as generation (recurrence.ts), for an initial schedule or a rerun.
*/
import type { DateTime } from 'luxon'
import {
  daysBetween,
  nextOccurrences,
  occurrenceOn,
  recurrenceErrors,
  rerunDate,
  type Occurrence,
  type Recurrence,
} from '#scheduling/recurrence'

export type SchedulePreview = { errors: string[]; occurrences: Occurrence[] }

/**
 * The next `count` airings ending after `from`. A rerun airs each airing of
 * its initial again, shifted by the days between the two schedules' dates,
 * at its own time and zone (and takes the initial's frequency).
 */
export function previewSchedule(
  rule: Recurrence,
  initial: Recurrence | null,
  from: DateTime,
  count = 8
): SchedulePreview {
  const effective = initial ? { ...rule, frequency: initial.frequency } : rule
  const errors = recurrenceErrors(effective)
  if (initial && errors.length === 0 && rule.date < initial.date)
    errors.push('a rerun must come after its initial (its date is earlier)')
  if (errors.length) return { errors, occurrences: [] }
  if (!initial) return { errors, occurrences: nextOccurrences(rule, from, count) }

  // Initial airings early enough that their reruns may still be ahead.
  const shift = daysBetween(initial.date, rule.date)
  const initialFrom = from.minus({ days: shift + 1 })
  const occurrences: Occurrence[] = []
  for (const airing of nextOccurrences(initial, initialFrom, count * 2 + 2)) {
    const date = rerunDate(initial, rule, airing.date)
    if (!date) continue
    const rerun = occurrenceOn(rule, date)
    if (rerun.end > from && occurrences.length < count) occurrences.push(rerun)
  }
  return { errors, occurrences }
}
