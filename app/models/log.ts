import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { sqlDateTime, utcInstant } from '#models/columns'
import { localDayBounds } from '#scheduling/recurrence'
import Station from '#models/station'
import Sound from '#models/sound'
import Track from '#models/track'
import Diffusion from '#models/diffusion'

export const LOG_TYPES = ['on_air', 'start', 'cancel', 'stop', 'other'] as const
export type LogType = (typeof LOG_TYPES)[number]

/**
 * What really happened on air: `on_air` (observed playing: a sound, a track,
 * or a raw URI in `comment`), `start` (a diffusion was started), `cancel`,
 * `stop` (a diffusion that started really ended; `comment` says how long it
 * ran). Rows outlive the sound, track or diffusion they point at.
 */
export default class Log extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare stationId: number

  @column()
  declare type: LogType

  /** UTC, millisecond precision. */
  @column.dateTime(utcInstant)
  declare date: DateTime

  /** The Liquidsoap source id. */
  @column()
  declare source: string | null

  @column()
  declare comment: string | null

  @column()
  declare soundId: number | null

  @column()
  declare trackId: number | null

  @column()
  declare diffusionId: number | null

  @belongsTo(() => Station)
  declare station: BelongsTo<typeof Station>

  @belongsTo(() => Sound)
  declare sound: BelongsTo<typeof Sound>

  @belongsTo(() => Track)
  declare track: BelongsTo<typeof Track>

  @belongsTo(() => Diffusion)
  declare diffusion: BelongsTo<typeof Diffusion>

  static onAir = scope((query) => {
    query.where('type', 'on_air')
  })

  static start = scope((query) => {
    query.where('type', 'start')
  })

  static station = scope((query, station: Station | number) => {
    query.where('station_id', typeof station === 'number' ? station : station.id)
  })

  /** On a local day (YYYY-MM-DD) in the given zone. */
  static date = scope((query, day: string, zone: string) => {
    const [from, to] = localDayBounds(day, zone)
    query
      .where('date', '>=', sqlDateTime(from))
      .where('date', '<', sqlDateTime(to))
      .orderBy('date', 'asc')
  })

  /** From `at` on (Aircox's after(); Lucid reserves the name). */
  static afterDate = scope((query, at: DateTime) => {
    query.where('date', '>=', sqlDateTime(at))
  })
}
