import type { HttpContext } from '@adonisjs/core/http'
import Sound from '#models/sound'
import { pushSoundValidator } from '#validators/streamer'
import { pushSound, readStreamer, skipOnAir } from '#cms/streamer_control'
import { validated } from '#controllers/staff/form'
import { LiquidsoapCommandException, LiquidsoapUnreachableException } from '#exceptions/domain'
import { findStationFor } from '#policies/find_for_staff'

/** What each station's Liquidsoap is doing, and the actions its managers may send. */
export default class StreamerController {
  async show({ view, access }: HttpContext) {
    const stations = await access.visibleStations()
    const views = await Promise.all(
      stations.map(async (station) => ({
        station,
        ...(await readStreamer(station)),
        canControl: access.managesStation(station.id),
      }))
    )
    const sounds = await Sound.query()
      .withScopes((s) => s.archive())
      .whereIn('program_id', (q) =>
        q
          .from('programs')
          .select('id')
          .whereIn(
            'station_id',
            stations.map((s) => s.id)
          )
      )
      .preload('program')
      .orderBy('name')
      .limit(500)
    return view.render('pages/staff/streamer', { views, sounds })
  }

  async skip(ctx: HttpContext) {
    const station = await this.#station(ctx)
    return this.#send(ctx, () => skipOnAir(station), ctx.i18n.t('staff.streamer.skipped'))
  }

  async push(ctx: HttpContext) {
    const station = await this.#station(ctx)
    const { soundId } = await validated(ctx, pushSoundValidator)
    const sound = await Sound.query()
      .where('id', soundId)
      .whereIn('program_id', (q) => q.from('programs').select('id').where('station_id', station.id))
      .firstOrFail()
    return this.#send(
      ctx,
      () => pushSound(station, sound),
      ctx.i18n.t('staff.streamer.pushed', { name: sound.name })
    )
  }

  #station(ctx: HttpContext) {
    return findStationFor(ctx.access, ctx.params.id, 'the streamer of this station')
  }

  /** A streamer that is down or refuses gets a message on the page, not an error page. */
  async #send(ctx: HttpContext, action: () => Promise<unknown>, done: string) {
    try {
      await action()
      ctx.session.flash('notice', done)
    } catch (error) {
      if (!(
        error instanceof LiquidsoapUnreachableException ||
        error instanceof LiquidsoapCommandException
      ))
        throw error
      ctx.session.flash('problem', error.message)
    }
    return ctx.response.redirect().toRoute('staff.streamer.show')
  }
}
