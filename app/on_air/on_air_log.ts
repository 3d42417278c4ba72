/*
| The public on-air log and what is on air now, per station, from the
| `logs` table the streamer writes and the diffusions it aired.
*/
import { DateTime } from 'luxon'
import Diffusion from '#models/diffusion'
import Log from '#models/log'
import type Station from '#models/station'
import { mergePlayed, type PlayedDiffusion, type PlayedItem, type PlayedTrack } from '#on_air/log_merge'
import { localDayBounds } from '#scheduling/recurrence'
import { sqlDateTime } from '#models/columns'

export const episodeUrl = (programSlug: string, episodeSlug: string) => `/programs/${programSlug}/${episodeSlug}`
export const coverUrl = (cover: string | null | undefined) => (cover ? `/covers/${cover}` : null)

function trackItem(log: Log): PlayedTrack {
  return {
    type: 'track',
    start: log.date.toMillis(),
    end: null,
    title: log.track.title,
    artist: log.track.artist,
    info: log.track.info,
    url: null,
    cover: coverUrl(log.track.sound?.cover),
  }
}

function diffusionItem(diffusion: Diffusion): Omit<PlayedDiffusion, 'tracks'> {
  return {
    type: 'diffusion',
    start: diffusion.start.toMillis(),
    end: diffusion.end.toMillis(),
    title: diffusion.episode.title,
    artist: null,
    info: diffusion.program.title,
    url: episodeUrl(diffusion.program.slug, diffusion.episode.slug),
    cover: null,
  }
}

export class OnAirLog {
  /**
   * What was played between two instants (and before `now`: never the
   * future), merged: tracks folded into the diffusions they aired in.
   */
  static async between(station: Station, from: DateTime, to: DateTime, now = DateTime.utc()): Promise<PlayedItem[]> {
    const until = DateTime.min(to, now)
    if (until <= from) return []
    const logs = await Log.query()
      .withScopes((s) => {
        s.station(station)
        s.onAir()
      })
      .where('date', '>=', sqlDateTime(from))
      .where('date', '<', sqlDateTime(until))
      .whereNotNull('track_id')
      .preload('track', (track) => track.preload('sound'))
      .orderBy('date', 'desc')
    const diffusions = await Diffusion.query()
      .withScopes((s) => {
        s.station(station)
        s.onAir()
      })
      .where('start', '>=', sqlDateTime(from))
      .where('start', '<', sqlDateTime(until))
      .preload('episode')
      .preload('program')
    return mergePlayed(
      logs.filter((log) => log.track).map(trackItem),
      diffusions.map(diffusionItem)
    )
  }

  /** One local day (YYYY-MM-DD) in the station's zone. */
  static day(station: Station, day: string, now = DateTime.utc()) {
    const [from, to] = localDayBounds(day, station.timezone)
    return OnAirLog.between(station, from, to, now)
  }
}
