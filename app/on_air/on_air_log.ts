/*
| The public on-air log and what is on air now, per station, from the
| `logs` table the streamer writes and the diffusions it aired.
*/
import { DateTime } from 'luxon'
import router from '@adonisjs/core/services/router'
import Diffusion from '#models/diffusion'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import {
  mergePlayed,
  type PlayedDiffusion,
  type PlayedItem,
  type PlayedTrack,
} from '#on_air/log_merge'
import { localDayBounds } from '#scheduling/recurrence'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { logColumns, soundColumns, trackColumns } from '#models/table_columns'

/**
 * Links of the public site, built from the route names. The HTTP server commits
 * the router when it boots; commands that publish now playing (RadioVIS, events)
 * and the web process's broadcaster may get here first, and `commit()` is a
 * no-op once done.
 */
function publicUrl(name: string, params: Record<string, string>) {
  router.commit()
  return router.makeUrl(name, params)
}
export const episodeUrl = (programSlug: string, episodeSlug: string) =>
  publicUrl('programs.episodes.show', { program: programSlug, episode: episodeSlug })
export const coverUrl = (cover: string | null | undefined) =>
  cover ? publicUrl('covers.show', { name: cover }) : null

interface TrackRow {
  date: unknown
  title: string
  artist: string | null
  info: string | null
  cover: string | null
}

function trackItem(row: TrackRow): PlayedTrack {
  return {
    type: 'track',
    start: fromSqlDateTime(row.date)!.toMillis(),
    end: null,
    title: row.title,
    artist: row.artist,
    info: row.info,
    url: null,
    cover: coverUrl(row.cover),
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
  static async between(
    station: Station,
    from: DateTime,
    to: DateTime,
    now = DateTime.utc()
  ): Promise<PlayedItem[]> {
    const until = DateTime.min(to, now)
    if (until <= from) return []
    // One indexed range query, joined, without models: a day can hold thousands of tracks.
    const [l, t] = [logColumns, trackColumns]
    const rows: TrackRow[] = await db
      .from(l.table)
      .join(t.table, t.column('id'), l.column('trackId'))
      .leftJoin(soundColumns.table, soundColumns.column('id'), t.column('soundId'))
      .where(l.column('stationId'), station.id)
      .where(l.column('type'), 'on_air')
      .where(l.column('date'), '>=', sqlDateTime(from))
      .where(l.column('date'), '<', sqlDateTime(until))
      .orderBy(l.column('date'), 'desc')
      .select(
        l.column('date'),
        ...t.qualified('title', 'artist', 'info'),
        soundColumns.column('cover')
      )
    const diffusions = await Diffusion.query()
      .withScopes((s) => {
        s.station(station)
        s.onAir()
        s.startingBetween(from, until)
      })
      .preload('episode')
      .preload('program')
    return mergePlayed(rows.map(trackItem), diffusions.map(diffusionItem))
  }

  /** One local day (YYYY-MM-DD) in the station's zone. */
  static day(station: Station, day: string, now = DateTime.utc()) {
    const [from, to] = localDayBounds(day, station.timezone)
    return OnAirLog.between(station, from, to, now)
  }
}
