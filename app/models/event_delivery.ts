import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { utcInstant } from '#models/columns'
import EventSink from '#models/event_sink'

export const DELIVERY_STATUSES = ['delivered', 'retry', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** One attempt at delivering a batch of events to a sink: the delivery log of the CMS. */
export default class EventDelivery extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare sinkId: number

  @column({ consume: (v) => Number(v) })
  declare firstEventId: number

  @column({ consume: (v) => Number(v) })
  declare lastEventId: number

  @column()
  declare count: number

  @column()
  declare status: DeliveryStatus

  @column()
  declare attempt: number

  @column()
  declare durationMs: number

  @column()
  declare detail: string | null

  @column.dateTime({ ...utcInstant, autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => EventSink, { foreignKey: 'sinkId' })
  declare sink: BelongsTo<typeof EventSink>
}
