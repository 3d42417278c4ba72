import { afterDelete, afterSave, beforeSave, belongsTo, column } from '@adonisjs/lucid/orm'
import TimestampedModel from '#models/timestamped_model'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { InvalidRecordException } from '#exceptions/domain'
import Episode from '#models/episode'
import { touchChangeStamp } from '#models/change_stamp'
import Sound from '#models/sound'

/**
 * A piece of music: in an episode's tracklist, or at a timestamp inside a
 * sound (the streamer logs those as they play). Never both.
 */
export default class Track extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare episodeId: number | null

  @column()
  declare soundId: number | null

  @column()
  declare position: number

  /** Seconds into the sound. */
  @column()
  declare timestamp: number | null

  @column()
  declare title: string

  @column()
  declare artist: string | null

  @column()
  declare album: string | null

  /** Comma-separated. */
  @column()
  declare tags: string | null

  @column()
  declare info: string | null

  @belongsTo(() => Episode)
  declare episode: BelongsTo<typeof Episode>

  @belongsTo(() => Sound)
  declare sound: BelongsTo<typeof Sound>

  @beforeSave()
  static belongsToOne(track: Track) {
    if (!track.episodeId === !track.soundId) {
      throw new InvalidRecordException(
        'a track belongs to an episode or to a sound, not both nor neither'
      )
    }
  }

  toString() {
    return this.artist ? `${this.artist} – ${this.title}` : this.title
  }

  /** Tells a running monitor to resync (see change_stamp.ts). */
  @afterSave()
  @afterDelete()
  static announceChange() {
    touchChangeStamp()
  }
}
