import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import Program from '#models/program'
import Schedule from '#models/schedule'
import { scheduleValidator } from '#validators/schedule'
import { previewSchedule } from '#scheduling/schedule_preview'
import { isFrequency } from '#scheduling/recurrence'
import { attempt, validated } from '#controllers/staff/form'
import { InvalidRecordException } from '#exceptions/domain'
import { findOfProgramFor, findProgramFor } from '#policies/find_for_staff'

const SCHEDULES = 'the schedules of this program'

export default class SchedulesController {
  async store(ctx: HttpContext) {
    const program = await findProgramFor(ctx.access, ctx.params.id, 'managesProgram', SCHEDULES)
    const input = await validated(ctx, scheduleValidator)
    const create = async () => {
      await this.#checkInitial(program, input.initialId)
      await Schedule.create({ ...input, programId: program.id })
    }
    return (
      (await attempt(ctx, create, ctx.i18n.t('staff.schedules.created'))) ??
      ctx.response.redirect().back()
    )
  }

  /** Editing moves the future diffusions nobody edited by hand (see followScheduleEdits). */
  async update(ctx: HttpContext) {
    const schedule = await findOfProgramFor(
      ctx.access,
      Schedule,
      ctx.params.id,
      'managesProgram',
      SCHEDULES
    )
    const input = await validated(ctx, scheduleValidator)
    const update = async () => {
      await this.#checkInitial(schedule.program, input.initialId, schedule.id)
      await schedule
        .merge({ ...input, endDate: input.endDate ?? null, initialId: input.initialId ?? null })
        .save()
    }
    return (await attempt(ctx, update, ctx.i18n.t('staff.saved'))) ?? ctx.response.redirect().back()
  }

  /** Deleting removes its future diffusions and their orphan episodes; the past stays. */
  async destroy({ params, access, response, session, i18n }: HttpContext) {
    const schedule = await findOfProgramFor(
      access,
      Schedule,
      params.id,
      'managesProgram',
      SCHEDULES
    )
    await schedule.delete()
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().back()
  }

  /**
   * The next dates of the rule in the form, as JSON, for the preview shown
   * while typing: the same engine as generation. Never an error status: a
   * half-typed rule answers its problems.
   */
  async preview({ request, response, access }: HttpContext) {
    const q = request.qs()
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
    const frequency = text(q.frequency)
    const rule = {
      date: text(q.date),
      endDate: text(q.endDate) || null,
      time: text(q.time),
      timezone: text(q.timezone),
      duration: Number(q.duration) || 0,
      frequency: isFrequency(frequency) ? frequency : ('every' as const),
    }
    let initial = null
    if (q.initialId) {
      const schedule = await Schedule.query()
        .where('id', Number(q.initialId) || 0)
        .preload('program')
        .first()
      if (schedule && access.hostsProgram(schedule.program)) initial = schedule.recurrence
    }
    const errors = isFrequency(frequency) || initial ? [] : [`invalid frequency "${frequency}"`]
    const preview = previewSchedule(rule, initial, DateTime.utc(), 8)
    const zone = rule.timezone
    return response.json({
      errors: [...errors, ...preview.errors],
      occurrences: errors.length
        ? []
        : preview.occurrences.map((o) => ({
            date: o.date,
            start: o.start.toISO(),
            end: o.end.toISO(),
            local: `${o.start.setZone(zone).toFormat('ccc yyyy-MM-dd HH:mm')}–${o.end.setZone(zone).toFormat('HH:mm')}`,
          })),
    })
  }

  /** A rerun's initial must be an initial schedule of the same program. */
  async #checkInitial(program: Program, initialId: number | null | undefined, selfId?: number) {
    if (!initialId) return
    const initial = await Schedule.find(initialId)
    if (
      !initial ||
      initial.programId !== program.id ||
      initial.id === selfId ||
      initial.initialId
    ) {
      throw new InvalidRecordException(
        'a rerun must follow an initial schedule of the same program'
      )
    }
  }
}
