/*
| Aircox's import_playlist, working: a CSV tracklist replaces a sound's
| tracks in one transaction (a malformed file changes nothing). The same
| replacement serves the CMS's and the API's tracklists.
*/
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Sound from '#models/sound'
import { sqlDateTime } from '#models/columns'
import { InvalidArgumentException, InvalidRecordException } from '#exceptions/domain'
import { timestampLimit, timestampProblem } from '#library/track_timestamp'
import { touchChangeStamp } from '#models/change_stamp'
import { parseTracklistCsv } from '#library/tracklist_csv'
import { isSoundFile } from '#library/sound_file_name'
import { soundColumns, trackColumns } from '#models/table_columns'
import { batches, rowsPerInsert } from '#models/batch_size'

/** Whose tracklist: an episode's (its running order) or a sound's (timestamped inside the file). */
export type TracklistOwner = { episodeId: number } | { soundId: number }

/** A track as stored; `timestamp` in seconds inside the sound. */
export interface TrackRow {
  title: string
  artist: string | null
  album?: string | null
  timestamp: number | null
  tags: string | null
  info: string | null
}

/**
 * Deletes the owner's tracks and inserts `rows` in their order (position from
 * 0, as in Aircox). Every path to the tracks table (the CMS form and CSV, the
 * API, tracks:import, the library scan) comes here, so this is where the
 * timestamps are bounded: a row out of bounds throws before anything changes.
 */
export async function replaceTracklist(
  trx: TransactionClientContract,
  owner: TracklistOwner,
  rows: TrackRow[]
) {
  const t = trackColumns
  const [column, id] =
    'episodeId' in owner
      ? [t.name('episodeId'), owner.episodeId]
      : [t.name('soundId'), owner.soundId]
  const sound =
    'soundId' in owner
      ? await trx
          .from(soundColumns.table)
          .where(soundColumns.name('id'), owner.soundId)
          .select(soundColumns.name('duration'))
          .first()
      : null
  const problem = timestampProblem(
    rows,
    timestampLimit(
      sound?.duration === null || sound?.duration === undefined ? null : Number(sound.duration)
    )
  )
  if (problem) throw new InvalidRecordException(problem)
  const now = sqlDateTime(DateTime.utc())
  await trx.from(t.table).where(column, id).delete()
  const inserts = rows.map((row, position) => ({
    [column]: id,
    ...t.row({
      position,
      timestamp: row.timestamp,
      title: row.title.slice(0, 255),
      artist: row.artist?.slice(0, 255) ?? null,
      album: row.album?.slice(0, 255) ?? null,
      tags: row.tags?.slice(0, 255) ?? null,
      info: row.info,
      createdAt: now,
      updatedAt: now,
    }),
  }))
  if (!inserts.length) return
  const size = rowsPerInsert(Object.keys(inserts[0]).length, trx.connectionName)
  for (const batch of batches(inserts, size)) await trx.table(t.table).multiInsert(batch)
}

/** Replaces a tracklist in its own transaction, and tells a running monitor (it names what airs from the tracks). */
export async function saveTracklist(owner: TracklistOwner, rows: TrackRow[]) {
  await db.transaction((trx) => replaceTracklist(trx, owner, rows))
  touchChangeStamp()
}

/** The sound a CSV belongs to: the one beside it with the same name, else the only one anywhere with that name. */
export async function soundForTracklist(csvPath: string): Promise<Sound> {
  const stem = csvPath.slice(0, csvPath.length - extname(csvPath).length)
  const name = basename(stem)
  const stemOf = (path: string) => path.slice(0, path.length - extname(path).length)
  // LIKE only narrows the search (its wildcards may match more); the comparison is exact.
  const named = (
    await Sound.query().where('path', 'like', `%${name}.%`).whereNot('type', 'removed')
  ).filter((sound) => basename(stemOf(sound.path)) === name && isSoundFile(sound.path))
  const beside = named.filter((sound) => stemOf(sound.path) === stem)
  const candidates = beside.length ? beside : named
  if (candidates.length === 1) return candidates[0]
  if (candidates.length === 0)
    throw new InvalidArgumentException(
      `no sound named "${name}" for ${csvPath}: scan the library first, or give --sound <id>`
    )
  throw new InvalidArgumentException(
    `${candidates.length} sounds are named "${name}" (ids ${candidates.map((s) => s.id).join(', ')}): give --sound <id>`
  )
}

/** Reads, checks and imports a CSV file; returns the sound and how many tracks it now has. */
export async function importTracklistFile(csvPath: string, soundId?: number) {
  let text: string
  try {
    text = await readFile(csvPath, 'utf8')
  } catch (error) {
    throw new InvalidArgumentException(
      `cannot read ${csvPath} (${(error as NodeJS.ErrnoException).code})`
    )
  }
  const rows = parseTracklistCsv(text)
  let sound: Sound
  if (soundId === undefined) {
    sound = await soundForTracklist(csvPath)
  } else {
    const found = await Sound.find(soundId)
    if (!found) throw new InvalidArgumentException(`no sound with id ${soundId}`)
    sound = found
  }
  await saveTracklist({ soundId: sound.id }, rows)
  return { sound, tracks: rows.length }
}
