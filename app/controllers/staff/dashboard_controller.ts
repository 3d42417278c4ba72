import type { HttpContext } from '@adonisjs/core/http'
import { DASHBOARD_RISK_DAYS, stationDashboard } from '#cms/dashboard'

export default class DashboardController {
  /**
   * What is on air at each station the user works for, today as planned and
   * as aired, the diffusions at risk in the next days, recent problems.
   */
  async handle({ view, access }: HttpContext) {
    const stations = await access.visibleStations()
    const boards = await Promise.all(stations.map((station) => stationDashboard(station)))
    return view.render('pages/staff/dashboard', { boards, riskDays: DASHBOARD_RISK_DAYS })
  }
}
