import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import Diffusion from '#models/diffusion'
import Program from '#models/program'
import { NotFoundException } from '#exceptions/domain'
import { renderCalendar } from '#feeds/calendar'
import { programPodcast } from '#feeds/program_podcast'
import { episodeUrl } from '#on_air/on_air_log'
import { publicOrigin } from '#feeds/public_origin'
import antenneConfig from '#config/antenne'

export default class FeedsController {
  /** RSS podcast feed of a program (`/programs/SLUG/podcast.rss`), in the station's language. */
  async podcast({ params, request, response, station }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const program = await Program.findPublicOrFail(station, String(params.program))
    const origin = publicOrigin(antenneConfig.publicUrl, request.hostname(), station.hosts)
    const xml = await programPodcast(station, program, origin)
    return response.header('content-type', 'application/rss+xml; charset=utf-8').send(xml)
  }

  /** iCalendar of the timetable (`/timetable.ics`): a week back, four weeks ahead. */
  async calendar({ request, response, station }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const now = DateTime.utc()
    const origin = publicOrigin(antenneConfig.publicUrl, request.hostname(), station.hosts)
    const diffusions = await Diffusion.query()
      .withScopes((s) => {
        s.station(station)
        s.onAir()
        s.startingBetween(now.minus({ days: 7 }), now.plus({ days: 28 }))
      })
      .preload('episode')
      .preload('program')
    const ics = renderCalendar(
      station.name,
      diffusions.map((d) => ({
        uid: `diffusion-${d.id}@${new URL(origin).host}`,
        start: d.start.toJSDate(),
        end: d.end.toJSDate(),
        summary: `${d.program.title}: ${d.episode.title}`,
        url: origin + episodeUrl(d.program.slug, d.episode.slug),
      }))
    )
    return response.header('content-type', 'text/calendar; charset=utf-8').send(ics)
  }
}
