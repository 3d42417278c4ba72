/*
| Tracklists edited in the CMS and the write API: form rows (timestamps as
| typed, m:ss) become stored tracks; the owner is an episode or a sound.
*/
import Episode from '#models/episode'
import Sound from '#models/sound'
import type { TrackRow } from '#library/tracklist_import'

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

/** Validated form or API rows as tracks to store. */
export function trackRows(tracks: TrackInput[]): TrackRow[] {
  return tracks.map((track) => ({
    title: track.title,
    artist: track.artist ?? null,
    album: track.album ?? null,
    timestamp: parseTimestamp(track.timestamp),
    tags: track.tags ?? null,
    info: track.info ?? null,
  }))
}

/** The episode or sound a tracklist belongs to (`kind`: episodes or sounds), its program loaded; a 404 otherwise. */
export async function tracklistOwner(kind: 'episodes' | 'sounds', id: unknown) {
  if (kind === 'episodes') {
    const owner = await Episode.query()
      .where('id', Number(id) || 0)
      .preload('program')
      .firstOrFail()
    return { owner, key: { episodeId: owner.id } }
  }
  const owner = await Sound.query()
    .where('id', Number(id) || 0)
    .preload('program')
    .firstOrFail()
  return { owner, key: { soundId: owner.id } }
}
