/*
| What a listener sees as "now playing": the diffusion on air (if any), the
| last thing the streamer logged, and the next diffusions. While a host is
| live (the monitor logged the diffusion's start from the harbor, and no
| song since), there is no track: the live show is what airs.
*/
import { DateTime } from 'luxon'
import Diffusion from '#models/diffusion'
import Log from '#models/log'
import type Station from '#models/station'
import { coverUrl, episodeUrl } from '#on_air/on_air_log'
import { sqlDateTime } from '#models/columns'
import { imageLinks } from '#images/image_urls'

export interface NowPlaying {
  station: string
  /** The station's logo, if one was uploaded. */
  logo: { url: string; thumbnail: string } | null
  diffusion: { title: string; program: string; url: string; start: string; end: string } | null
  /** The diffusion is live from the harbor (a host on air), not played from a file. */
  live: boolean
  /** The last sound or track logged on air; none while live. */
  track: { title: string; artist: string | null; since: string; cover: string | null } | null
  next: Array<{ title: string; program: string; url: string; start: string; end: string }>
}

function airing(diffusion: Diffusion) {
  return {
    title: diffusion.episode.title,
    program: diffusion.program.title,
    url: episodeUrl(diffusion.program.slug, diffusion.episode.slug),
    start: diffusion.start.toISO()!,
    end: diffusion.end.toISO()!,
  }
}

export async function nowPlaying(station: Station, now = DateTime.utc()): Promise<NowPlaying> {
  const current = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
      s.now(now)
    })
    .preload('episode')
    .preload('program')
    .first()
  const next = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
    })
    .where('start', '>', sqlDateTime(now))
    .orderBy('start')
    .preload('episode')
    .preload('program')
    .limit(3)
  const last = await Log.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
    })
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .preload('track')
    .preload('sound')
    .first()
  const live = current
    ? await Log.query()
        .withScopes((s) => {
          s.station(station)
          s.start()
        })
        .where('source', 'live')
        .where('diffusion_id', current.id)
        .if(last, (q) => q.where('date', '>=', sqlDateTime(last!.date)))
        .first()
    : null
  let track: NowPlaying['track'] = null
  if (last && !live) {
    const title = last.track?.title ?? last.sound?.title ?? last.sound?.name ?? last.comment ?? ''
    const artist = last.track ? last.track.artist : (last.sound?.artist ?? null)
    track = { title, artist, since: last.date.toISO()!, cover: coverUrl(last.sound?.cover) }
  }
  return {
    station: station.slug,
    logo: imageLinks(station.logo),
    diffusion: current ? airing(current) : null,
    live: live !== null,
    track,
    next: next.map(airing),
  }
}
