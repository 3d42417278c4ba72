import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { booleanColumn, utcInstant } from '#models/columns'
import Station from '#models/station'

export const OUTPUT_TYPES = ['icecast', 'file'] as const
export const OUTPUT_FORMATS = ['mp3', 'ogg', 'opus'] as const

export type OutputType = (typeof OUTPUT_TYPES)[number]
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** Where a station's stream goes: an Icecast mount or a recording. */
export default class Output extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare stationId: number

  @column()
  declare type: OutputType

  @column()
  declare host: string | null

  @column()
  declare port: number | null

  @column()
  declare mount: string | null

  @column({ serializeAs: null })
  declare password: string | null

  /** Icecast's admin account: the statistics read the list of listeners with it. */
  @column()
  declare adminUser: string | null

  @column({ serializeAs: null })
  declare adminPassword: string | null

  @column()
  declare format: OutputFormat

  @column()
  declare bitrate: number

  @column(booleanColumn)
  declare active: boolean

  @column.dateTime({ ...utcInstant, autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ ...utcInstant, autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Station)
  declare station: BelongsTo<typeof Station>

  static active = scope((query) => {
    query.where('active', true)
  })
}
