import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import Program from '#models/program'
import Episode from '#models/episode'
import { NotFoundException } from '#exceptions/domain'
import { pageNumber } from '#controllers/pagination'

async function programOf({ station, params }: HttpContext) {
  if (!station) throw new NotFoundException('no station yet')
  return Program.findPublicOrFail(station, String(params.program))
}

export default class ProgramsController {
  async index({ view, station, request }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const programs = await Program.query()
      .where('station_id', station.id)
      .where('active', true)
      .orderBy('title')
      .paginate(pageNumber(request), 30)
    programs.baseUrl(router.makeUrl('programs.index'))
    return view.render('pages/programs/index', { programs })
  }

  /** A program and its episodes, the newest first. */
  async show(ctx: HttpContext) {
    const program = await programOf(ctx)
    const episodes = await Episode.query()
      .where('program_id', program.id)
      .preload('diffusions', (d) => d.orderBy('start'))
      .orderBy('id', 'desc')
      .paginate(pageNumber(ctx.request), 20)
    episodes.baseUrl(router.makeUrl('programs.show', { program: program.slug }))
    return ctx.view.render('pages/programs/show', { program, episodes })
  }

  /** An episode: its airings, tracklist and podcasts. */
  async episode(ctx: HttpContext) {
    const program = await programOf(ctx)
    const episode = await Episode.query()
      .where('program_id', program.id)
      .where('slug', String(ctx.params.episode))
      .preload('diffusions', (d) => d.orderBy('start'))
      .preload('tracks', (t) => t.orderBy('position'))
      .preload('sounds', (s) => s.withScopes((scopes) => scopes.servable()).orderBy('path'))
      .first()
    if (!episode) throw new NotFoundException(`no episode "${ctx.params.episode}"`)
    return ctx.view.render('pages/programs/episode', { program, episode })
  }
}
