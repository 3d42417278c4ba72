import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import LiveAttempt from '#models/live_attempt'
import User from '#models/user'
import { stationLiveValidator } from '#validators/live'
import { liveJingleFolders, saveStationLiveSettings } from '#live/station_live_settings'
import { currentLiveKeys } from '#live/live_keys'
import { pageNumber } from '#controllers/pagination'
import { findStationFor } from '#policies/find_for_staff'

const LIVE = 'the live settings of this station'

/** A station's live page: its settings, its hosts' keys, and every login at its live input. */
export default class StationLiveController {
  async show({ view, params, access, request }: HttpContext) {
    access.authorize(access.seesStations, 'the stations')
    const station = await findStationFor(access, params.id, LIVE)
    const attempts = await LiveAttempt.query()
      .withScopes((s) => {
        s.ofStation(station.id)
        s.latest()
      })
      .preload('user')
      .paginate(pageNumber(request), 50)
    attempts.baseUrl(router.makeUrl('staff.stations.live', { id: station.id }))
    // The hosts the live gate knows: those of the station's programs.
    const hosts = await User.query()
      .whereIn('id', (q) =>
        q
          .from('program_user')
          .join('programs', 'programs.id', 'program_user.program_id')
          .where('programs.station_id', station.id)
          .select('program_user.user_id')
      )
      .orderBy('email')
    const keys = await currentLiveKeys(hosts.map((host) => host.id))
    return view.render('pages/staff/stations/live', {
      station,
      attempts,
      hosts: hosts.map((host) => ({ host, liveKey: keys.get(host.id) ?? null })),
    })
  }

  async update(ctx: HttpContext) {
    const station = await findStationFor(ctx.access, ctx.params.id, LIVE)
    const input = await ctx.request.validateUsing(stationLiveValidator, {
      messagesProvider: ctx.i18n.createMessagesProvider(),
      meta: { folders: liveJingleFolders(station) },
    })
    await saveStationLiveSettings(station, input)
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().toRoute('staff.stations.live', { id: station.id })
  }
}
