/*
| What an edited or deleted schedule does to the diffusions it generated.
| Only future diffusions change, and never one edited by hand. (Aircox's
| schedule signals shifted by today's UTC offset only and broke across DST.)
| What moved or went is one schedule_changed event, once the edit is committed.
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
import {
  diffusionChange,
  diffusionColumns,
  episodeColumns,
  programColumns,
  scheduleColumns,
  soundColumns,
  stationColumns,
  trackColumns,
} from '#models/table_columns'
import { batches, idsPerQuery } from '#models/batch_size'
import { emitScheduleChanged, type ChangedDiffusion } from '#scheduling/schedule_changes'

type Client = TransactionClientContract | null | undefined

/** A diffusion deleted, with where it aired. */
interface DeletedDiffusion {
  id: number
  start: DateTime
  end: DateTime
}

const removed = (rows: DeletedDiffusion[]): ChangedDiffusion[] =>
  rows.map((r) => ({ id: r.id, kind: 'removed', spans: [{ start: r.start, end: r.end }] }))

/**
 * Runs the edit in `client`'s transaction or a new one; its schedule_changed
 * event goes out only once that transaction is committed (a rolled-back edit
 * changed nothing).
 */
async function editing(
  schedule: Schedule,
  client: Client,
  edit: (trx: TransactionClientContract) => Promise<ChangedDiffusion[]>
) {
  const run = async (trx: TransactionClientContract) => {
    const changed = await edit(trx)
    if (!changed.length) return null
    const row = await trx
      .from(programColumns.table)
      .join(stationColumns.table, stationColumns.column('id'), programColumns.column('stationId'))
      .where(programColumns.column('id'), schedule.programId)
      .select(stationColumns.column('slug'))
      .first()
    if (!row) return null
    const emit = () => {
      emitScheduleChanged({
        station: row.slug,
        diffusions: changed,
        source: 'schedule',
        scheduleId: schedule.id,
      })
    }
    if (client) trx.after('commit', emit)
    return emit
  }
  if (client) return void (await run(client))
  const emit = await db.transaction(run)
  emit?.()
}

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
  return editing(schedule, client, async (trx) => {
    const d = diffusionColumns
    const now = sqlDateTime(DateTime.now())
    const rows = await trx
      .from(d.table)
      .select(d.list('id', 'occurrenceDate', 'start', 'end', 'episodeId'))
      .where(d.name('scheduleId'), schedule.id)
      .where(d.name('edited'), false)
      .where(d.name('start'), '>', now)
      .whereNotNull(d.name('occurrenceDate'))
    const dropped: number[] = []
    const changed: ChangedDiffusion[] = []
    for (const row of rows) {
      if (!(await producesDate(schedule, row.occurrence_date, trx))) {
        dropped.push(row.id)
        continue
      }
      const occurrence = occurrenceOn(schedule.recurrence, row.occurrence_date)
      const start = fromSqlDateTime(row.start)!
      const end = fromSqlDateTime(row.end)!
      if (+start !== +occurrence.start || +end !== +occurrence.end) {
        changed.push({
          id: row.id,
          kind: 'moved',
          spans: [
            { start: occurrence.start, end: occurrence.end },
            { start, end },
          ],
        })
        await trx
          .from(d.table)
          .where(d.name('id'), row.id)
          .update(
            diffusionChange({
              start: sqlDateTime(occurrence.start),
              end: sqlDateTime(occurrence.end),
              updatedAt: now,
            })
          )
      }
    }
    return [...changed, ...removed(await deleteDiffusions(trx, dropped))]
  })
}

/** Removes the schedule's future diffusions (and its reruns'), then their orphan episodes. */
export async function removeFutureDiffusions(schedule: Schedule, client: Client) {
  return editing(schedule, client, async (trx) => {
    const d = diffusionColumns
    const s = scheduleColumns
    const ids = await trx
      .from(d.table)
      .where(d.name('start'), '>', sqlDateTime(DateTime.now()))
      .where((q) => {
        q.where(d.name('scheduleId'), schedule.id).orWhereIn(d.name('scheduleId'), (reruns) => {
          reruns.from(s.table).select(s.name('id')).where(s.name('initialId'), schedule.id)
        })
      })
      .select(d.name('id'))
    return removed(
      await deleteDiffusions(
        trx,
        ids.map((r) => r.id)
      )
    )
  })
}

/**
 * Deletes diffusions with their reruns, then the episodes left with no
 * diffusion, no sound and no track. Returns what it deleted, reruns included.
 */
export async function deleteDiffusions(
  trx: TransactionClientContract,
  ids: number[]
): Promise<DeletedDiffusion[]> {
  if (!ids.length) return []
  const d = diffusionColumns
  const episodeIds = new Set<number>()
  const deleted: DeletedDiffusion[] = []
  // The select binds each batch twice.
  for (const batch of batches(ids, Math.floor(idsPerQuery(trx.connectionName) / 2))) {
    const rows = await trx
      .from(d.table)
      .select(d.list('id', 'episodeId', 'start', 'end'))
      .whereIn(d.name('id'), batch)
      .orWhereIn(d.name('initialId'), batch)
    for (const r of rows) {
      episodeIds.add(r.episode_id)
      deleted.push({ id: r.id, start: fromSqlDateTime(r.start)!, end: fromSqlDateTime(r.end)! })
    }
    // Reruns first: they point at the initial diffusions.
    await trx.from(d.table).whereIn(d.name('initialId'), batch).delete()
    await trx.from(d.table).whereIn(d.name('id'), batch).delete()
  }
  await deleteOrphanEpisodes(trx, [...episodeIds])
  return deleted
}

export async function deleteOrphanEpisodes(trx: TransactionClientContract, episodeIds: number[]) {
  const e = episodeColumns
  const episodeId = e.column('id')
  for (const batch of batches(episodeIds, idsPerQuery(trx.connectionName))) {
    await trx
      .from(e.table)
      .whereIn(e.name('id'), batch)
      .whereNotExists((q) =>
        q.from(diffusionColumns.table).whereColumn(diffusionColumns.column('episodeId'), episodeId)
      )
      .whereNotExists((q) =>
        q.from(soundColumns.table).whereColumn(soundColumns.column('episodeId'), episodeId)
      )
      .whereNotExists((q) =>
        q.from(trackColumns.table).whereColumn(trackColumns.column('episodeId'), episodeId)
      )
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
