/*
| A program's podcast feed, from the database: its public sounds that have
| an episode, each dated by the episode's first airing (its earliest on-air
| diffusion that has started; a sound not aired yet is dated by its file),
| with the file Apple takes (podcast_audio.ts: an item whose mp3 is still
| being made is left out until it is ready), the images uploaded in the CMS,
| and the station's settings for what directories ask.
*/
import router from '@adonisjs/core/services/router'
import i18nManager from '@adonisjs/i18n/services/main'
import { DateTime } from 'luxon'
import Diffusion from '#models/diffusion'
import type Program from '#models/program'
import Sound from '#models/sound'
import type Station from '#models/station'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { episodeUrl } from '#on_air/on_air_log'
import { imageUrl } from '#images/image_urls'
import { readyPodcastFile } from '#feeds/podcast_audio'
import { podcastCategory } from '#feeds/podcast_categories'
import { renderPodcastFeed, type PodcastItem } from '#feeds/podcast_feed'

/** Items a feed lists at most (the newest sounds). */
const MAX_ITEMS = 100

/** The first time each episode aired (started on air), by episode id. */
async function firstAirings(episodeIds: number[], now: DateTime) {
  if (!episodeIds.length) return new Map<number, DateTime>()
  const rows = await Diffusion.query()
    .withScopes((s) => s.onAir())
    .whereIn('episode_id', episodeIds)
    .where('start', '<=', sqlDateTime(now))
    .groupBy('episode_id')
    .select('episode_id')
    .min('start as first_start')
  const airings = new Map<number, DateTime>()
  for (const row of rows) {
    const first = fromSqlDateTime(row.$extras.first_start)
    if (first) airings.set(row.episodeId, first)
  }
  return airings
}

/**
 * An item's GUID: the sound's id at the public URL's host name (no port),
 * like the calendar's UIDs, so it is the same whichever of the station's
 * host names the feed was fetched by.
 */
export function soundGuid(id: number, publicUrl: string) {
  return `sound-${id}@${new URL(publicUrl).hostname}`
}

export async function programPodcast(
  station: Station,
  program: Program,
  links: { origin: string; publicUrl: string },
  now = DateTime.utc()
): Promise<string> {
  const { origin } = links
  const sounds = await Sound.query()
    .where('program_id', program.id)
    .withScopes((s) => s.servable())
    .whereNotNull('episode_id')
    .preload('episode')
    .orderBy('id', 'desc')
    .limit(MAX_ITEMS)
  const airings = await firstAirings([...new Set(sounds.map((s) => s.episodeId!))], now)
  const absolute = (path: string | null) => (path ? origin + path : null)

  const items: PodcastItem[] = []
  for (const sound of sounds) {
    const file = await readyPodcastFile(sound)
    if (!file) continue
    const date = airings.get(sound.episodeId!) ?? sound.mtime ?? sound.createdAt
    items.push({
      guid: soundGuid(sound.id, links.publicUrl),
      title: sound.episode.title,
      link: origin + episodeUrl(program.slug, sound.episode.slug),
      description: sound.episode.content,
      date: date.toJSDate(),
      enclosure: {
        url: router.makeUrl('podcasts.show', { id: sound.id }, { prefixUrl: origin }),
        length: file.size,
        type: file.type,
      },
      duration: sound.duration,
      image: absolute(imageUrl(sound.episode.image, 'podcast')),
    })
  }
  items.sort((a, b) => b.date.getTime() - a.date.getTime() || b.guid.localeCompare(a.guid))

  const author = station.podcastAuthor || station.name
  return renderPodcastFeed(
    {
      title: `${program.title} – ${station.name}`,
      link: router.makeUrl('programs.show', { program: program.slug }, { prefixUrl: origin }),
      self: router.makeUrl('programs.podcast', { program: program.slug }, { prefixUrl: origin }),
      description: program.description || program.title,
      language: station.language || i18nManager.defaultLocale,
      image: absolute(imageUrl(program.image ?? station.logo, 'podcast')),
      author,
      owner: { name: author, email: station.podcastEmail },
      category: podcastCategory(program.podcastCategory),
      explicit: program.podcastExplicit,
    },
    items
  )
}
