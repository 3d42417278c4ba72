/*
| The tracklist a scan gives a sound: the CSV beside its file, or, for a
| song of a rotation (no CSV, no episode), the one track its tags name.
*/
import { readFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { sqlDateTime } from '#models/columns'
import { soundColumns, trackColumns } from '#models/table_columns'
import { parseTracklistCsv } from '#library/tracklist_csv'
import { replaceTracklist } from '#library/tracklist_import'
import type { SoundMetadata } from '#library/sound_metadata'

/**
 * Imports the CSV beside a sound; a malformed one gets a warning and leaves
 * the tracklist as it was. True when a tracklist was imported.
 */
export async function importTracklistBeside(
  trx: TransactionClientContract,
  soundId: number,
  csv: { path: string; mtime: number },
  warn: (message: string) => void
): Promise<boolean> {
  let imported = false
  try {
    const rows = parseTracklistCsv(await readFile(csv.path, 'utf8'))
    await replaceTracklist(trx, { soundId }, rows)
    imported = true
  } catch (error) {
    warn(`${csv.path}: ${(error as Error).message}; tracklist not imported`)
  }
  // Remembered even when malformed, so that the warning comes once per change of the file.
  await trx
    .from(soundColumns.table)
    .where('id', soundId)
    .update(soundColumns.row({ tracklistMtime: sqlDateTime(DateTime.fromMillis(csv.mtime)) }))
  return imported
}

/**
 * A sound without tracks gets the one its tags name, at 0 s so that the
 * on-air log names it. (An episode's archive has the episode's tracklist.)
 */
export async function addTrackFromTags(
  trx: TransactionClientContract,
  soundId: number,
  metadata: SoundMetadata & { title: string },
  now: string
) {
  const c = trackColumns
  const tracks = await trx.from(c.table).where(c.name('soundId'), soundId).count('* as total')
  if (Number(tracks[0].total) > 0) return
  await trx.table(c.table).insert(
    c.row({
      soundId,
      position: 0,
      timestamp: 0,
      title: metadata.title,
      artist: metadata.artist,
      album: metadata.album,
      info: metadata.year ? String(metadata.year) : null,
      createdAt: now,
      updatedAt: now,
    })
  )
}
