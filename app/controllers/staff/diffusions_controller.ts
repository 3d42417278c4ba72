import type { HttpContext } from '@adonisjs/core/http'
import Diffusion from '#models/diffusion'
import { diffusionMoveValidator, diffusionStateValidator } from '#validators/diffusion'
import { moveDiffusion, setDiffusionType } from '#cms/diffusion_editor'
import { editedDiffusion } from '#scheduling/schedule_changes'
import { addDays } from '#scheduling/recurrence'
import { weekTimetable } from '#scheduling/timetable'
import { dateFromPath, today } from '#controllers/dates'
import { attempt, validated } from '#controllers/staff/form'
import { findOfProgramFor } from '#policies/find_for_staff'

export default class DiffusionsController {
  /** The week calendar of a station: every diffusion, on air, unconfirmed or cancelled. */
  async calendar({ view, params, request, access }: HttpContext) {
    const stations = await access.visibleStations()
    const station = stations.find((s) => s.id === Number(request.qs().station)) ?? stations[0]
    if (!station) return view.render('pages/staff/calendar', { station: null, stations, days: [] })
    const date = params.year ? dateFromPath(params) : today(station.timezone)
    const days = await weekTimetable(station, date, { allTypes: true })
    return view.render('pages/staff/calendar', {
      station,
      stations,
      days,
      previous: addDays(days[0].day, -7),
      next: addDays(days[0].day, 7),
      today: today(station.timezone),
      canEdit: (d: Diffusion) => access.managesProgram(d.program),
    })
  }

  /** Confirm (on air) or cancel; an on-air diffusion may not overlap another. */
  async type(ctx: HttpContext) {
    const { diffusion, station } = await this.#load(ctx)
    const { type } = await validated(ctx, diffusionStateValidator)
    return (
      (await attempt(
        ctx,
        () => editedDiffusion(diffusion, 'cms', () => setDiffusionType(diffusion, type, station)),
        ctx.i18n.t('staff.saved')
      )) ?? ctx.response.redirect().back()
    )
  }

  /** Moves to another local date and time (and duration). */
  async move(ctx: HttpContext) {
    const { diffusion, station } = await this.#load(ctx)
    const move = await validated(ctx, diffusionMoveValidator)
    return (
      (await attempt(
        ctx,
        () => editedDiffusion(diffusion, 'cms', () => moveDiffusion(diffusion, station, move)),
        ctx.i18n.t('staff.saved')
      )) ?? ctx.response.redirect().back()
    )
  }

  async #load(ctx: HttpContext) {
    const diffusion = await findOfProgramFor(
      ctx.access,
      Diffusion,
      ctx.params.id,
      'managesProgram',
      'the diffusions of this program',
      { withStation: true }
    )
    return { diffusion, station: diffusion.program.station }
  }
}
