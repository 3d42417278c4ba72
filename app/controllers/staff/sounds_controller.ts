import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import Sound from '#models/sound'
import Episode from '#models/episode'
import Track from '#models/track'
import { soundPodcastValidator, soundUploadValidator, soundValidator } from '#validators/sound'
import antenneConfig from '#config/antenne'
import { discard, receiveFile } from '#cms/upload_staging'
import { storeUploadedSound } from '#cms/sound_upload'
import { formatTimestamp } from '#cms/tracklist_editor'
import { audioMimeType } from '#library/sound_file_name'
import { NotFoundException } from '#exceptions/domain'
import { attempt, validated } from '#controllers/staff/form'
import { pageNumber } from '#controllers/pagination'
import { findOfProgramFor, findProgramFor } from '#policies/find_for_staff'

export default class SoundsController {
  /** A program's sounds with their player, loudness and quality verdict. */
  async index({ view, params, access, request }: HttpContext) {
    const program = await findProgramFor(access, params.id, 'hostsProgram', 'this program', (q) =>
      q.preload('station')
    )
    const page = pageNumber(request)
    const sounds = await Sound.query()
      .where('program_id', program.id)
      .whereNot('type', 'removed')
      .preload('episode')
      .orderBy('type')
      .orderBy('name')
      .paginate(page, 50)
    sounds.baseUrl(router.makeUrl('staff.programs.sounds.index', { id: program.id }))
    return view.render('pages/staff/sounds/index', { program, sounds })
  }

  /**
   * Receives the upload once the host may add sounds to this program (the
   * body is not read before), checks and stores it; the library process
   * reads and measures it in the background.
   */
  async store(ctx: HttpContext) {
    const program = await findProgramFor(
      ctx.access,
      ctx.params.id,
      'hostsProgram',
      'the sounds of this program'
    )
    const staged = await receiveFile(ctx.request, 'file', antenneConfig.uploads.maxBytes)
    try {
      const { file, type } = await validated(ctx, soundUploadValidator, {
        file: staged ?? undefined,
        type: ctx.request.input('type'),
      })
      let sound: Sound | null = null
      const failed = await attempt(
        ctx,
        async () => (sound = await storeUploadedSound(program, file, type)),
        ctx.i18n.t('staff.sounds.uploaded')
      )
      return failed ?? ctx.response.redirect().toRoute('staff.sounds.show', { id: sound!.id })
    } finally {
      await discard(staged)
    }
  }

  async show({ view, params, access }: HttpContext) {
    const sound = await findOfProgramFor(access, Sound, params.id, 'hostsProgram', 'this sound', {
      withStation: true,
    })
    const tracks = await Track.query().where('sound_id', sound.id).orderBy('position')
    const episodes = await Episode.query()
      .where('program_id', sound.programId)
      .orderBy('id', 'desc')
      .limit(200)
    return view.render('pages/staff/sounds/show', {
      sound,
      program: sound.program,
      tracks,
      episodes,
      formatTimestamp,
    })
  }

  async update(ctx: HttpContext) {
    const sound = await findOfProgramFor(
      ctx.access,
      Sound,
      ctx.params.id,
      'hostsProgram',
      'this sound'
    )
    const input = await validated(ctx, soundValidator)
    if (input.episodeId)
      await Episode.query()
        .where('id', input.episodeId)
        .where('program_id', sound.programId)
        .firstOrFail()
    await sound
      .merge({
        name: input.name,
        episodeId: input.episodeId ?? null,
        isPublic: input.isPublic ?? false,
      })
      .save()
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  /** Publishes a sound as a podcast, or takes it back, in one click (the episode page). */
  async podcast(ctx: HttpContext) {
    const sound = await findOfProgramFor(
      ctx.access,
      Sound,
      ctx.params.id,
      'hostsProgram',
      'this sound'
    )
    if (sound.type === 'removed') throw new NotFoundException('the file of this sound is gone')
    const { isPublic } = await validated(ctx, soundPodcastValidator)
    await sound.merge({ isPublic }).save()
    ctx.session.flash(
      'notice',
      ctx.i18n.t(isPublic ? 'staff.sounds.published' : 'staff.sounds.unpublished', {
        name: sound.name,
      })
    )
    return ctx.response.redirect().back()
  }

  /** The file itself, for the page's player (ranges included, so it can seek). */
  async audio({ params, access, response }: HttpContext) {
    const sound = await findOfProgramFor(access, Sound, params.id, 'hostsProgram', 'this sound')
    if (sound.type === 'removed') throw new NotFoundException('the file of this sound is gone')
    response.header('content-type', audioMimeType(sound.path))
    return response.download(sound.path)
  }
}
