import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { booleanColumn, utcInstant } from '#models/columns'
import User from '#models/user'

/** Why a login at the live input was accepted or refused. */
export const LIVE_REASONS = [
  'in_slot',
  'station_key',
  'unknown_user',
  'wrong_key',
  'revoked',
  'outside_slot',
  'throttled',
  'no_credentials',
] as const
export type LiveReason = (typeof LIVE_REASONS)[number]

/** One login at a station's live input: who, from where, when, and the answer. */
export default class LiveAttempt extends BaseModel {
  @column({ isPrimary: true, consume: (v) => Number(v) })
  declare id: number

  @column()
  declare uuid: string

  @column()
  declare stationId: number

  @column()
  declare userId: number | null

  @column()
  declare userName: string

  @column()
  declare address: string

  @column.dateTime(utcInstant)
  declare at: DateTime

  @column(booleanColumn)
  declare accepted: boolean

  @column()
  declare reason: LiveReason

  @column()
  declare diffusionId: number | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  static ofStation = scope((query, stationId: number) => {
    query.where('station_id', stationId)
  })

  static latest = scope((query) => {
    query.orderBy('at', 'desc').orderBy('id', 'desc')
  })
}
