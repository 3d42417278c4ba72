import { DateTime } from 'luxon'
import { BaseModel, column, scope } from '@adonisjs/lucid/orm'
import { booleanColumn, utcInstant } from '#models/columns'

/** A RadioVIS message as sent: the per-topic log, kept `logMaxAge`. */
export default class RadiovisMessage extends BaseModel {
  @column({ isPrimary: true, consume: (v) => Number(v) })
  declare id: number

  @column()
  declare station: string

  /** The canonical destination (lower case, GCC form). */
  @column()
  declare topic: string

  @column()
  declare body: string

  @column()
  declare link: string | null

  @column({ consume: (v) => (v === null ? null : Number(v)) })
  declare eventId: number | null

  @column(booleanColumn)
  declare fallback: boolean

  @column.dateTime(utcInstant)
  declare sentAt: DateTime

  static afterId = scope((query, id: number) => {
    query.where('id', '>', id).orderBy('id', 'asc')
  })

  static ofStation = scope((query, slug: string) => {
    query.where('station', slug)
  })
}
