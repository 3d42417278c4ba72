/*
| Tracklists edited in the CMS: an episode's (its running order) or a sound's
| (timestamped inside the file). A save replaces the list in one transaction.
*/
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { sqlDateTime } from '#models/columns'
import { touchChangeStamp } from '#streamer/change_stamp'

export interface TrackInput {
  title: string
  artist?: string | null
  album?: string | null
  timestamp?: string | null
  tags?: string | null
  info?: string | null
}

/** Seconds from `90`, `1:30` or `1:01:30`. */
export function parseTimestamp(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  return value.split(':').reduce((total, part) => total * 60 + Number(part), 0)
}

/** `1:30`, `1:01:30`: how the form shows a timestamp. */
export function formatTimestamp(seconds: number | null): string {
  if (seconds === null) return ''
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(Math.floor(seconds % 60)).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** Replaces the tracks of an episode or a sound with `tracks`, positions in their order. */
export async function replaceTracks(owner: { episodeId: number } | { soundId: number }, tracks: TrackInput[]) {
  const [column, id] = 'episodeId' in owner ? ['episode_id', owner.episodeId] : ['sound_id', owner.soundId]
  const now = sqlDateTime(DateTime.utc())
  await db.transaction(async (trx) => {
    await trx.from('tracks').where(column, id).delete()
    if (tracks.length === 0) return
    await trx.table('tracks').multiInsert(
      tracks.map((track, position) => ({
        [column]: id,
        position,
        timestamp: parseTimestamp(track.timestamp),
        title: track.title,
        artist: track.artist ?? null,
        album: track.album ?? null,
        tags: track.tags ?? null,
        info: track.info ?? null,
        created_at: now,
        updated_at: now,
      }))
    )
  })
  // The monitor names what airs from the tracks it keeps in memory.
  touchChangeStamp()
}
