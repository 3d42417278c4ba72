import type { HttpContext } from '@adonisjs/core/http'
import antenneConfig from '#config/antenne'
import Station from '#models/station'
import { currentLiveKey, issueLiveKey, revokeLiveKey } from '#live/live_keys'
import { liveConnection, liveHostName } from '#live/live_connection'
import { findUserForLiveKey } from '#policies/live_key_access'

/**
 * A host's own live key: made here and shown once (a flash message, gone at
 * the next request), kept hashed, revocable; staff revoke a host's key from
 * the users page or the station's live page.
 */
export default class LiveKeysController {
  async show({ view, access, session }: HttpContext) {
    const user = access.user
    const newKey: string | null = session.flashMessages.get('newLiveKey') ?? null
    const liveKey = await currentLiveKey(user)
    // The live inputs this host may use: the stations of their programs that have one.
    const stations = await Station.query()
      .whereNotNull('harbor_port')
      .whereIn('id', (q) =>
        q
          .from('programs')
          .join('program_user', 'program_user.program_id', 'programs.id')
          .where('program_user.user_id', user.id)
          .select('programs.station_id')
      )
      .withScopes((s) => s.byDefault())
    const connections = stations.map((station) => ({
      station,
      ...liveConnection(
        user.email,
        newKey,
        liveHostName(station.hosts, antenneConfig.publicUrl),
        station.harborPort!
      ),
    }))
    return view.render('pages/staff/live_key', { liveKey, newKey, connections })
  }

  async store({ access, session, response }: HttpContext) {
    const { key } = await issueLiveKey(access.user)
    session.flash('newLiveKey', key)
    return response.redirect().toRoute('staff.live_key.show')
  }

  async destroy({ access, session, response, i18n }: HttpContext) {
    const revoked = await revokeLiveKey(access.user)
    session.flash('notice', i18n.t(revoked ? 'staff.live_key.revoked' : 'staff.live_key.none'))
    return response.redirect().toRoute('staff.live_key.show')
  }

  /** Staff revoke a user's key: an admin anyone's, a manager the users of their stations. */
  async revokeFor({ params, access, session, response, i18n }: HttpContext) {
    const account = await findUserForLiveKey(access, params.id)
    const revoked = await revokeLiveKey(account)
    session.flash(
      'notice',
      i18n.t(revoked ? 'staff.live_key.revoked_for' : 'staff.live_key.none_for', {
        user: account.email,
      })
    )
    return response.redirect().back()
  }
}
