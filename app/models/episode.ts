import { belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import TimestampedModel from '#models/timestamped_model'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Program from '#models/program'
import Diffusion from '#models/diffusion'
import Sound from '#models/sound'
import Track from '#models/track'

/** What a program airs once: its sounds and tracklist; reruns share it. */
export default class Episode extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare programId: number

  @column()
  declare title: string

  @column()
  declare slug: string

  @column()
  declare content: string | null

  /** Content hash of its uploaded cover (app/images/image_store.ts); none: the program's. */
  @column()
  declare image: string | null

  @belongsTo(() => Program)
  declare program: BelongsTo<typeof Program>

  @hasMany(() => Diffusion)
  declare diffusions: HasMany<typeof Diffusion>

  @hasMany(() => Sound)
  declare sounds: HasMany<typeof Sound>

  @hasMany(() => Track)
  declare tracks: HasMany<typeof Track>
}
