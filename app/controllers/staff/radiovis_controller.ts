import type { HttpContext } from '@adonisjs/core/http'
import { findStationFor } from '#policies/find_for_staff'
import { radiovisOverview } from '#radiovis/radiovis_overview'
import antenneConfig from '#config/antenne'

export default class RadiovisController {
  /** The station's RadioVIS topics, receivers and message log. */
  async show({ view, params, access }: HttpContext) {
    access.authorize(access.seesStations, 'the stations')
    const station = await findStationFor(access, params.id, 'this station')
    return view.render('pages/staff/stations/radiovis', {
      station,
      logMaxAge: antenneConfig.radiovis.logMaxAge,
      ...(await radiovisOverview(station)),
    })
  }
}
