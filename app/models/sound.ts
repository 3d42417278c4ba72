import { DateTime } from 'luxon'
import { afterDelete, afterSave, belongsTo, column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { booleanColumn, utcInstant } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import Program from '#models/program'
import { touchChangeStamp } from '#models/change_stamp'
import Episode from '#models/episode'
import Track from '#models/track'

export const SOUND_TYPES = ['archive', 'excerpt', 'removed', 'other'] as const
export type SoundType = (typeof SOUND_TYPES)[number]

/** An audio file on disk: an episode's archive (what airs) or an excerpt. */
export default class Sound extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare programId: number

  @column()
  declare episodeId: number | null

  @column()
  declare name: string

  /** Absolute path, unique. */
  @column()
  declare path: string

  @column()
  declare type: SoundType

  /** Seconds. */
  @column()
  declare duration: number | null

  @column.dateTime(utcInstant)
  declare mtime: DateTime | null

  @column(booleanColumn)
  declare isGoodQuality: boolean | null

  /** May be published as a podcast. */
  @column(booleanColumn)
  declare isPublic: boolean

  /** Integrated loudness in LUFS, true peak in dBTP, loudness range in LU. */
  @column()
  declare loudness: number | null

  @column()
  declare truePeak: number | null

  @column()
  declare loudnessRange: number | null

  /** Bytes, and a sampled content hash: together with the mtime they tell an unchanged or a moved file. */
  @column()
  declare size: number | null

  @column()
  declare fingerprint: string | null

  /** From the file's tags. */
  @column()
  declare title: string | null

  @column()
  declare artist: string | null

  @column()
  declare album: string | null

  @column()
  declare year: number | null

  @column()
  declare trackNumber: number | null

  /** File name of the embedded cover, in the covers folder. */
  @column()
  declare cover: string | null

  @column()
  declare codec: string | null

  @column()
  declare sampleRate: number | null

  /** Bits per second. */
  @column()
  declare bitrate: number | null

  @column()
  declare channels: number | null

  /** Why the quality check failed, in words (empty when good, null when not checked). */
  @column({
    prepare: (value: string[] | null) => (value ? JSON.stringify(value) : null),
    consume: (value: string | null) => (value ? JSON.parse(value) : null),
  })
  declare qualityReasons: string[] | null

  /** RMS level of the whole file, dBFS (Aircox's quality measure). */
  @column()
  declare rmsLevel: number | null

  /** mtime of the CSV tracklist last imported from beside the file. */
  @column.dateTime(utcInstant)
  declare tracklistMtime: DateTime | null

  @belongsTo(() => Program)
  declare program: BelongsTo<typeof Program>

  @belongsTo(() => Episode)
  declare episode: BelongsTo<typeof Episode>

  @hasMany(() => Track)
  declare tracks: HasMany<typeof Track>

  static archive = scope((query) => {
    query.where('type', 'archive')
  })

  static excerpt = scope((query) => {
    query.where('type', 'excerpt')
  })

  /** Not removed from disk. */
  static available = scope((query) => {
    query.whereNot('type', 'removed')
  })

  static public = scope((query) => {
    query.where('is_public', true)
  })

  /**
   * What the public site may serve: public, on disk, and audio as far as the
   * library or the upload could tell (a format or a duration read from it).
   * A text or zero-filled file named .mp3 and copied into a folder is listed
   * in the CMS with its fault, never served as a podcast.
   */
  static servable = scope((query) => {
    query
      .where('is_public', true)
      .whereNot('type', 'removed')
      .where((audio) => audio.whereNotNull('codec').orWhereNotNull('duration'))
  })

  static goodQuality = scope((query) => {
    query.where('is_good_quality', true)
  })

  /** Tells a running monitor to resync (see change_stamp.ts). */
  @afterSave()
  @afterDelete()
  static announceChange() {
    touchChangeStamp()
  }
}
