import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import Episode from '#models/episode'
import Sound from '#models/sound'
import Track from '#models/track'
import { episodeValidator } from '#validators/episode'
import { freeSlug } from '#cms/program_editor'
import { formatTimestamp } from '#cms/tracklist_editor'
import { validated } from '#controllers/staff/form'
import { pageNumber } from '#controllers/pagination'
import { findOfProgramFor, findProgramFor } from '#policies/find_for_staff'
import { sweepUnusedImages } from '#cms/image_upload'
import { isLiveRecording } from '#live/recorded_archives'

export default class EpisodesController {
  /** A program's episodes, newest first (by their first airing, else their creation). */
  async index({ view, params, access, request }: HttpContext) {
    const program = await findProgramFor(access, params.id, 'hostsProgram', 'this program', (q) =>
      q.preload('station')
    )
    const page = pageNumber(request)
    const episodes = await Episode.query()
      .where('program_id', program.id)
      .preload('diffusions', (q) => q.orderBy('start'))
      .orderBy('id', 'desc')
      .paginate(page, 30)
    episodes.baseUrl(router.makeUrl('staff.programs.episodes.index', { id: program.id }))
    return view.render('pages/staff/episodes/index', { program, episodes })
  }

  async store(ctx: HttpContext) {
    const program = await findProgramFor(
      ctx.access,
      ctx.params.id,
      'hostsProgram',
      'the episodes of this program'
    )
    const input = await validated(ctx, episodeValidator)
    const slug = await freeSlug(
      'episodes',
      { column: 'program_id', id: program.id },
      input.slug ?? input.title
    )
    const episode = await Episode.create({
      programId: program.id,
      title: input.title,
      slug,
      content: input.content ?? null,
    })
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().toRoute('staff.episodes.show', { id: episode.id })
  }

  /** The episode's text, its airings, its sounds and its tracklist editor. */
  async show({ view, params, access }: HttpContext) {
    const episode = await findOfProgramFor(
      access,
      Episode,
      params.id,
      'hostsProgram',
      'this episode',
      {
        withStation: true,
        extra: (q) => q.preload('diffusions', (d) => d.orderBy('start')),
      }
    )
    const tracks = await Track.query().where('episode_id', episode.id).orderBy('position')
    const sounds = await Sound.query()
      .where('episode_id', episode.id)
      .whereNot('type', 'removed')
      .orderBy('name')
    return view.render('pages/staff/episodes/show', {
      episode,
      program: episode.program,
      tracks,
      sounds,
      formatTimestamp,
      isLiveRecording: (sound: Sound) => isLiveRecording(sound.path, episode.program.slug),
    })
  }

  async update(ctx: HttpContext) {
    const episode = await findOfProgramFor(
      ctx.access,
      Episode,
      ctx.params.id,
      'hostsProgram',
      'this episode'
    )
    const input = await validated(ctx, episodeValidator)
    const slug =
      input.slug && input.slug !== episode.slug
        ? await freeSlug(
            'episodes',
            { column: 'program_id', id: episode.programId },
            input.slug,
            episode.id
          )
        : episode.slug
    await episode.merge({ title: input.title, slug, content: input.content ?? null }).save()
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  /** An episode with no diffusion may go; one that aired or is scheduled stays (its diffusions are the record). */
  async destroy({ params, access, response, session, i18n }: HttpContext) {
    const episode = await findOfProgramFor(
      access,
      Episode,
      params.id,
      'hostsProgram',
      'this episode',
      {
        extra: (q) => q.preload('diffusions'),
      }
    )
    if (episode.diffusions.length) {
      session.flash('problem', i18n.t('staff.episodes.has_diffusions'))
      return response.redirect().back()
    }
    await episode.delete()
    await sweepUnusedImages()
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().toRoute('staff.programs.episodes.index', { id: episode.programId })
  }
}
