/*
| What an edited or deleted schedule does to the diffusions it generated.
| Only future diffusions change, and never one edited by hand. (Aircox's
| schedule signals shifted by today's UTC offset only and broke across DST.)
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import {
  addDays,
  daysBetween,
  datesOfMonth,
  occurrenceOn,
  parseMonth,
} from '#scheduling/recurrence'
import Schedule from '#models/schedule'

type Client = TransactionClientContract | null | undefined

/** Whether the schedule's rule (through its initial, for a rerun) produces that local date. */
async function producesDate(schedule: Schedule, date: string, client: Client): Promise<boolean> {
  if (date < schedule.date || (schedule.endDate && date > schedule.endDate)) return false
  let rule = schedule.recurrence
  let ruleDate = date
  if (schedule.initialId) {
    const initial = await Schedule.findOrFail(schedule.initialId, { client: client ?? undefined })
    ruleDate = addDays(date, -daysBetween(initial.date, schedule.date))
    rule = initial.recurrence
  }
  return datesOfMonth(rule, parseMonth(ruleDate.slice(0, 7))!).includes(ruleDate)
}

/**
 * Moves the schedule's future, unedited diffusions to its current time, zone
 * and duration, and removes those on dates its rule no longer produces (the
 * next `diffusions --update` creates the new dates).
 */
export async function realignFutureDiffusions(schedule: Schedule, client: Client) {
  const run = async (trx: TransactionClientContract) => {
    const now = sqlDateTime(DateTime.now())
    const rows = await trx
      .from('diffusions')
      .select('id', 'occurrence_date', 'start', 'end', 'episode_id')
      .where('schedule_id', schedule.id)
      .where('edited', false)
      .where('start', '>', now)
      .whereNotNull('occurrence_date')
    const dropped: number[] = []
    for (const row of rows) {
      if (!(await producesDate(schedule, row.occurrence_date, trx))) {
        dropped.push(row.id)
        continue
      }
      const occurrence = occurrenceOn(schedule.recurrence, row.occurrence_date)
      const start = fromSqlDateTime(row.start)!
      const end = fromSqlDateTime(row.end)!
      if (+start !== +occurrence.start || +end !== +occurrence.end) {
        await trx
          .from('diffusions')
          .where('id', row.id)
          .update({
            start: sqlDateTime(occurrence.start),
            end: sqlDateTime(occurrence.end),
            updated_at: now,
          })
      }
    }
    await deleteDiffusions(trx, dropped)
  }
  return client ? run(client) : db.transaction(run)
}

/** Removes the schedule's future diffusions (and its reruns'), then their orphan episodes. */
export async function removeFutureDiffusions(schedule: Schedule, client: Client) {
  const run = async (trx: TransactionClientContract) => {
    const ids = await trx
      .from('diffusions')
      .where('start', '>', sqlDateTime(DateTime.now()))
      .where((q) => {
        q.where('schedule_id', schedule.id).orWhereIn('schedule_id', (reruns) => {
          reruns.from('schedules').select('id').where('initial_id', schedule.id)
        })
      })
      .select('id')
    await deleteDiffusions(
      trx,
      ids.map((r) => r.id)
    )
  }
  return client ? run(client) : db.transaction(run)
}

/**
 * Deletes diffusions with their reruns, then the episodes left with no
 * diffusion, no sound and no track.
 */
export async function deleteDiffusions(trx: TransactionClientContract, ids: number[]) {
  if (!ids.length) return
  const episodeIds = new Set<number>()
  for (let i = 0; i < ids.length; i += 400) {
    const batch = ids.slice(i, i + 400)
    const rows = await trx
      .from('diffusions')
      .select('episode_id')
      .whereIn('id', batch)
      .orWhereIn('initial_id', batch)
    rows.forEach((r) => episodeIds.add(r.episode_id))
    // Reruns first: they point at the initial diffusions.
    await trx.from('diffusions').whereIn('initial_id', batch).delete()
    await trx.from('diffusions').whereIn('id', batch).delete()
  }
  await deleteOrphanEpisodes(trx, [...episodeIds])
}

export async function deleteOrphanEpisodes(trx: TransactionClientContract, episodeIds: number[]) {
  for (let i = 0; i < episodeIds.length; i += 400) {
    await trx
      .from('episodes')
      .whereIn('id', episodeIds.slice(i, i + 400))
      .whereNotExists((q) =>
        q.from('diffusions').whereColumn('diffusions.episode_id', 'episodes.id')
      )
      .whereNotExists((q) => q.from('sounds').whereColumn('sounds.episode_id', 'episodes.id'))
      .whereNotExists((q) => q.from('tracks').whereColumn('tracks.episode_id', 'episodes.id'))
      .delete()
  }
}

/**
 * Hooks the two edits onto the Schedule model, so that every save or delete
 * (CMS, API, seeders, tests) follows them. Registered once by the preload
 * `start/schedule_edits.ts`: the model cannot import this service, which
 * imports the model.
 */
export function followScheduleEdits() {
  // Schedule.validate (beforeSave) tells whether the timing or the rule changed.
  Schedule.after('save', async (schedule) => {
    if (!schedule.$extras.timingChanged && !schedule.$extras.ruleChanged) return
    await realignFutureDiffusions(schedule, schedule.$trx)
  })
  Schedule.before('delete', (schedule) => removeFutureDiffusions(schedule, schedule.$trx))
}
