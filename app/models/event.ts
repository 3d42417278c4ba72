import { DateTime } from 'luxon'
import { BaseModel, column, scope } from '@adonisjs/lucid/orm'
import { utcInstant } from '#models/columns'
import type { AntenneEvent, EventLevel, EventType } from '#events/event_types'

/** A stored event: the outbox the sinks read in id order. */
export default class Event extends BaseModel {
  @column({ isPrimary: true, consume: (v) => Number(v) })
  declare id: number

  @column()
  declare type: EventType

  @column()
  declare station: string | null

  @column()
  declare level: EventLevel

  @column.dateTime(utcInstant)
  declare occurredAt: DateTime

  @column({
    prepare: (v) => JSON.stringify(v),
    consume: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  })
  declare payload: Record<string, unknown>

  /** What sinks receive. */
  toEvent(): AntenneEvent {
    return {
      id: this.id,
      type: this.type,
      station: this.station,
      level: this.level,
      at: this.occurredAt.toISO()!,
      payload: this.payload,
    }
  }

  static afterId = scope((query, id: number) => {
    query.where('id', '>', id).orderBy('id', 'asc')
  })
}
