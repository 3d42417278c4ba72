import type { HttpContext } from '@adonisjs/core/http'
import { OnAirLog } from '#on_air/on_air_log'
import { NotFoundException } from '#exceptions/domain'
import { addDays } from '#scheduling/recurrence'
import { dateFromPath, today } from '#controllers/dates'

export default class LogsController {
  /** "What was played" on a day (`/logs/YYYY/MM/DD`), never the future (Aircox's log-list). */
  async handle({ view, station, params }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const date = params.year ? dateFromPath(params) : today(station.timezone)
    const items = await OnAirLog.day(station, date)
    const days = Array.from({ length: 7 }, (_, i) => addDays(today(station.timezone), -i))
    return view.render('pages/logs', { date, items, days })
  }
}
