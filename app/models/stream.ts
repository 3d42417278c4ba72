import { afterDelete, afterSave, belongsTo, column } from '@adonisjs/lucid/orm'
import TimestampedModel from '#models/timestamped_model'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Program from '#models/program'
import { touchChangeStamp } from '#models/change_stamp'

/** Rotation settings of a streamed program (Aircox's Stream). */
export default class Stream extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare programId: number

  /** Local HH:MM in the station's zone; with `end`, the window it plays in. */
  @column()
  declare begin: string | null

  @column()
  declare end: string | null

  /** Minimum seconds between two plays of the program. */
  @column()
  declare delay: number

  @belongsTo(() => Program)
  declare program: BelongsTo<typeof Program>

  /** Tells a running monitor to resync (see change_stamp.ts). */
  @afterSave()
  @afterDelete()
  static announceChange() {
    touchChangeStamp()
  }
}
