import type { HttpContext } from '@adonisjs/core/http'
import Program from '#models/program'
import { NotFoundException } from '#exceptions/domain'
import { renderCalendar } from '#feeds/calendar'
import { timetableEvents } from '#feeds/timetable_calendar'
import { programPodcast } from '#feeds/program_podcast'
import { publicOrigin } from '#feeds/public_origin'
import antenneConfig from '#config/antenne'

export default class FeedsController {
  /**
   * RSS podcast feed of a program (`/programs/SLUG/podcast.rss`), in the
   * station's language. Podcast apps poll it: an unchanged feed is a 304.
   */
  async podcast({ params, request, response, station }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const program = await Program.findPublicOrFail(station, String(params.program))
    const origin = publicOrigin(antenneConfig.publicUrl, request.hostname(), station.hosts)
    const xml = await programPodcast(station, program, {
      origin,
      publicUrl: antenneConfig.publicUrl,
    })
    response.header('content-type', 'application/rss+xml; charset=utf-8')
    response.header('cache-control', 'public, max-age=300')
    response.setEtag(xml)
    if (response.fresh()) return response.notModified()
    return response.send(xml)
  }

  /**
   * iCalendar of the timetable (`/timetable.ics`): a week back, four weeks
   * ahead. Calendar apps poll it: an unchanged timetable is a 304.
   */
  async calendar({ request, response, station }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const origin = publicOrigin(antenneConfig.publicUrl, request.hostname(), station.hosts)
    const events = await timetableEvents(station, { origin, publicUrl: antenneConfig.publicUrl })
    const ics = renderCalendar(station.name, events)
    response.header('content-type', 'text/calendar; charset=utf-8')
    response.header('cache-control', 'public, max-age=300')
    // An ETag only: a deleted diffusion changes the body but no event's date.
    response.setEtag(ics)
    if (response.fresh()) return response.notModified()
    return response.send(ics)
  }
}
