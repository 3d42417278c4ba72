import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { utcInstant } from '#models/columns'

/** A `diffusion_at_risk` event told for a diffusion at one threshold (app/events/risk_watch.ts). */
export default class DiffusionAlert extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare diffusionId: number

  /** '24h' or '1h': how long before the diffusion's start. */
  @column()
  declare threshold: string

  @column.dateTime(utcInstant)
  declare alertedAt: DateTime
}
