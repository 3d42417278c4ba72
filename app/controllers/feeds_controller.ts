import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import Program from '#models/program'
import Sound from '#models/sound'
import { NotFoundException } from '#exceptions/domain'
import { audioMimeType } from '#library/sound_file_name'
import { renderCalendar } from '#feeds/calendar'
import { timetableEvents } from '#feeds/timetable_calendar'
import { renderPodcastFeed } from '#feeds/podcast_feed'
import { episodeUrl } from '#on_air/on_air_log'
import { publicOrigin } from '#feeds/public_origin'
import antenneConfig from '#config/antenne'

export default class FeedsController {
  /** RSS podcast feed of a program (`/programs/SLUG/podcast.rss`). */
  async podcast({ params, request, response, station, i18n }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const program = await Program.findPublicOrFail(station, String(params.program))
    const origin = publicOrigin(antenneConfig.publicUrl, request.hostname(), station.hosts)
    const sounds = await Sound.query()
      .where('program_id', program.id)
      .withScopes((s) => s.servable())
      .whereNotNull('episode_id')
      .preload('episode')
      .orderBy('id', 'desc')
      .limit(100)
    const xml = renderPodcastFeed(
      {
        title: `${program.title} – ${station.name}`,
        link: router.makeUrl('programs.show', { program: program.slug }, { prefixUrl: origin }),
        description: program.description ?? program.title,
        language: i18n.locale,
      },
      sounds.map((sound) => ({
        guid: `sound-${sound.id}@${new URL(origin).host}`,
        title: sound.episode.title,
        link: origin + episodeUrl(program.slug, sound.episode.slug),
        date: (sound.mtime ?? sound.createdAt).toJSDate(),
        enclosure: {
          url: router.makeUrl('podcasts.show', { id: sound.id }, { prefixUrl: origin }),
          length: Number(sound.size ?? 0),
          type: audioMimeType(sound.path),
        },
        duration: sound.duration,
      }))
    )
    return response.header('content-type', 'application/rss+xml; charset=utf-8').send(xml)
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
