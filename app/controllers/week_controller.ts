import type { HttpContext } from '@adonisjs/core/http'
import { weekTimetable } from '#scheduling/timetable'
import { NotFoundException } from '#exceptions/domain'
import { addDays } from '#scheduling/recurrence'
import { dateFromPath, today } from '#controllers/dates'

export default class WeekController {
  /** The week's timetable (`/week/YYYY/MM/DD`, `/week` for this week). */
  async handle({ view, station, params }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const date = params.year ? dateFromPath(params) : today(station.timezone)
    const days = await weekTimetable(station, date)
    return view.render('pages/week', {
      date,
      days,
      previous: addDays(days[0].day, -7),
      next: addDays(days[0].day, 7),
      today: today(station.timezone),
    })
  }
}
