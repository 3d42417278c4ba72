import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { utcInstant } from '#models/columns'

/**
 * The base of the models whose table has `created_at` and `updated_at`: both
 * set on insert, `updated_at` again on every update, stored and read as UTC
 * instants like the other dates (see columns.ts).
 *
 * Lucid boots each subclass with a copy of its parent's columns (`$boot`
 * inherits `$columnsDefinitions`), so these two are declared once here and
 * every model gets its own definitions, which tests/functional/timestamps.spec.ts
 * checks.
 */
export default class TimestampedModel extends BaseModel {
  @column.dateTime({ ...utcInstant, autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ ...utcInstant, autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
