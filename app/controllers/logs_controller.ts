import type { HttpContext } from '@adonisjs/core/http'
import { SimplePaginator } from '@adonisjs/lucid/database'
import { OnAirLog } from '#on_air/on_air_log'
import { NotFoundException } from '#exceptions/domain'
import { addDays } from '#scheduling/recurrence'
import { dateFromPath, today } from '#controllers/dates'
import { pageNumber } from '#controllers/pagination'

const PER_PAGE = 100

export default class LogsController {
  /** "What was played" on a day (`/logs/YYYY/MM/DD`), never the future (Aircox's log-list), 100 items a page. */
  async handle({ view, station, params, request }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const date = params.year ? dateFromPath(params) : today(station.timezone)
    const all = await OnAirLog.day(station, date)
    const page = pageNumber(request)
    const items = new SimplePaginator(
      all.length,
      PER_PAGE,
      page,
      ...all.slice((page - 1) * PER_PAGE, page * PER_PAGE)
    )
    items.baseUrl(request.url())
    const days = Array.from({ length: 7 }, (_, i) => addDays(today(station.timezone), -i))
    return view.render('pages/logs', { date, items, days })
  }
}
