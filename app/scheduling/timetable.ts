/*
| The timetable: a station's diffusions of one local week, day by day, in
| the station's zone: those on air for the public, all of them (unconfirmed
| and cancelled too) for the staff calendar.
*/
import Diffusion from '#models/diffusion'
import type Station from '#models/station'
import { localDayBounds, weekOf } from '#scheduling/recurrence'

export interface TimetableDay {
  day: string
  diffusions: Diffusion[]
}

export async function weekTimetable(
  station: Station,
  date: string,
  options: { allTypes?: boolean } = {}
): Promise<TimetableDay[]> {
  const days = weekOf(date)
  const [from] = localDayBounds(days[0], station.timezone)
  const [, to] = localDayBounds(days[6], station.timezone)
  const diffusions = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      if (!options.allTypes) s.onAir()
      s.startingBetween(from, to)
    })
    .preload('episode')
    .preload('program')
  // One zone conversion per diffusion: luxon's setZone is the costly part of this page.
  const byDay = new Map<string, Diffusion[]>(days.map((day) => [day, []]))
  for (const diffusion of diffusions)
    byDay.get(diffusion.start.setZone(station.timezone).toISODate()!)?.push(diffusion)
  return days.map((day) => ({ day, diffusions: byDay.get(day)! }))
}
