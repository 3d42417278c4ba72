import { DateTime } from 'luxon'
import { BaseModel, column, scope } from '@adonisjs/lucid/orm'
import { sqlDateTime, utcInstant } from '#models/columns'

/** A running radiovis:serve, as it last reported itself (every few seconds). */
export default class RadiovisServer extends BaseModel {
  @column({ isPrimary: true })
  declare name: string

  /** host:port it listens on. */
  @column()
  declare listen: string

  @column()
  declare receivers: number

  /** Subscriptions per canonical topic. */
  @column({
    prepare: (v) => JSON.stringify(v),
    consume: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  })
  declare topics: Record<string, number>

  @column.dateTime(utcInstant)
  declare startedAt: DateTime

  @column.dateTime(utcInstant)
  declare seenAt: DateTime

  /** Servers that reported within `seconds`: the others are gone. */
  static alive = scope((query, seconds = 30) => {
    query.where('seen_at', '>=', sqlDateTime(DateTime.utc().minus({ seconds })))
  })
}
