import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import Program from '#models/program'
import Station from '#models/station'
import Schedule from '#models/schedule'
import { programValidator } from '#validators/program'
import { saveProgram } from '#cms/program_editor'
import { DateTime } from 'luxon'
import { FREQUENCIES } from '#scheduling/recurrence'
import { previewSchedule } from '#scheduling/schedule_preview'
import { attempt, validated } from '#controllers/staff/form'
import { pageNumber } from '#controllers/pagination'
import { findProgramFor } from '#policies/find_for_staff'
import { DEFAULT_PODCAST_CATEGORY, PODCAST_CATEGORY_VALUES } from '#feeds/podcast_categories'
import { sweepUnusedImages } from '#cms/image_upload'

const PODCAST_CHOICES = {
  categories: PODCAST_CATEGORY_VALUES,
  defaultCategory: DEFAULT_PODCAST_CATEGORY,
}

export default class ProgramsController {
  /** The programs this user hosts or manages, by station and title. */
  async index({ view, access, request }: HttpContext) {
    const page = pageNumber(request)
    const programs = await access
      .scopePrograms(Program.query())
      .preload('station')
      .preload('stream')
      .orderBy('station_id')
      .orderBy('title')
      .paginate(page, 50)
    programs.baseUrl(router.makeUrl('staff.programs.index'))
    return view.render('pages/staff/programs/index', { programs })
  }

  async create({ view, access }: HttpContext) {
    access.authorize(access.managesAnyStation, 'programs')
    return view.render('pages/staff/programs/form', {
      program: null,
      stations: await this.#stations(access),
      ...PODCAST_CHOICES,
    })
  }

  async store(ctx: HttpContext) {
    const input = await validated(ctx, programValidator)
    ctx.access.authorize(ctx.access.managesStation(input.stationId), 'the programs of this station')
    let program: Program | null = null
    const failed = await attempt(
      ctx,
      async () => (program = await saveProgram(new Program(), input)),
      ctx.i18n.t('staff.saved')
    )
    return failed ?? ctx.response.redirect().toRoute('staff.programs.show', { id: program!.id })
  }

  /** The program's form, its schedules (with their next dates) and links to its episodes and sounds. */
  async show({ view, params, access }: HttpContext) {
    const program = await findProgramFor(access, params.id, 'hostsProgram', 'this program', (q) =>
      q.preload('station').preload('stream')
    )
    const schedules = await Schedule.query()
      .where('program_id', program.id)
      .orderBy('initial_id')
      .orderBy('date')
    // The next dates of each schedule, shown without JavaScript too.
    const byId = new Map(schedules.map((s) => [s.id, s]))
    const now = DateTime.utc()
    const previews = Object.fromEntries(
      schedules.map((s) => [
        s.id,
        previewSchedule(
          s.recurrence,
          s.initialId ? (byId.get(s.initialId)?.recurrence ?? null) : null,
          now,
          5
        ).occurrences,
      ])
    )
    return view.render('pages/staff/programs/form', {
      program,
      schedules,
      previews,
      frequencies: FREQUENCIES,
      stations: await this.#stations(access, program.station),
      canManage: access.managesProgram(program),
      ...PODCAST_CHOICES,
    })
  }

  async update(ctx: HttpContext) {
    const program = await findProgramFor(
      ctx.access,
      ctx.params.id,
      'managesProgram',
      'this program'
    )
    const input = await validated(ctx, programValidator)
    ctx.access.authorize(ctx.access.managesStation(input.stationId), 'the programs of this station')
    return (
      (await attempt(ctx, () => saveProgram(program, input), ctx.i18n.t('staff.saved'))) ??
      ctx.response.redirect().back()
    )
  }

  /** Deleting a program deletes its schedules, episodes, diffusions and sound rows (never the files). */
  async destroy({ params, access, response, session, i18n }: HttpContext) {
    const program = await findProgramFor(access, params.id, 'managesProgram', 'this program')
    await program.delete()
    await sweepUnusedImages()
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().toRoute('staff.programs.index')
  }

  async #stations(access: HttpContext['access'], current?: Station) {
    const stations = await Station.query().withScopes((s) => s.byDefault())
    return stations.filter((s) => access.managesStation(s.id) || s.id === current?.id)
  }
}
