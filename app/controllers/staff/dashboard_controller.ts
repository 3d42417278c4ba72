import type { HttpContext } from '@adonisjs/core/http'
import Station from '#models/station'
import { stationDashboard } from '#staff/dashboard'

export default class DashboardController {
  /** What is on air at each station the user works for, today as planned and as aired, recent problems. */
  async handle({ view, access }: HttpContext) {
    const ids = await access.visibleStationIds()
    const stations = await Station.query()
      .withScopes((s) => s.byDefault())
      .if(ids !== null, (q) => q.whereIn('id', ids!))
    const boards = await Promise.all(stations.map((station) => stationDashboard(station)))
    return view.render('pages/staff/dashboard', { boards })
  }
}
