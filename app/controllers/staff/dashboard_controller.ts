import type { HttpContext } from '@adonisjs/core/http'
import { stationDashboard } from '#cms/dashboard'

export default class DashboardController {
  /** What is on air at each station the user works for, today as planned and as aired, recent problems. */
  async handle({ view, access }: HttpContext) {
    const stations = await access.visibleStations()
    const boards = await Promise.all(stations.map((station) => stationDashboard(station)))
    return view.render('pages/staff/dashboard', { boards })
  }
}
