/*
| Column helpers shared by the models.
|
| Lucid formats a DateTime in its own zone and drops the milliseconds, and
| reads SQLite strings in the process zone. Antenne's instants are UTC in the
| database whatever the DateTime's zone, with milliseconds where there are
| some (a log's air time), and the same string form is used for query
| parameters so that SQLite's text comparisons order them correctly.
*/
import { DateTime, FixedOffsetZone } from 'luxon'
import type { ColumnOptions } from '@adonisjs/lucid/types/model'

/**
 * The canonical SQL form of an instant: UTC, `yyyy-MM-dd HH:mm:ss`, and
 * `.SSS` only when there are milliseconds (so that whole-second values read
 * like Lucid's own, and text order is time order).
 */
export function sqlDateTime(value: DateTime): string {
  // Hot path of generation: toISOString is much faster than luxon's toFormat.
  const iso = new Date(value.toMillis()).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, iso.endsWith('.000Z') ? 19 : 23)}`
}

export function fromSqlDateTime(value: unknown): DateTime | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' })
  if (typeof value === 'string') {
    const ms = Date.parse(`${value.replace(' ', 'T')}Z`)
    return Number.isNaN(ms)
      ? DateTime.fromSQL(value, { zone: 'utc' })
      : DateTime.fromMillis(ms, { zone: FixedOffsetZone.utcInstance })
  }
  throw new Error(`cannot read a date from ${typeof value}`)
}

/**
 * Options for `@column.dateTime(utcInstant)`: stored and read as UTC. Also
 * used for created_at/updated_at: Lucid's own parsing of SQL strings costs
 * tens of microseconds a value, which showed on pages of hundreds of rows.
 */
export const utcInstant: Partial<ColumnOptions> = {
  prepare: (value: DateTime | null | undefined) => (value ? sqlDateTime(value) : value),
  consume: fromSqlDateTime,
}

/** Options for boolean columns: SQLite and MariaDB hand back 0/1. */
export const booleanColumn: Partial<ColumnOptions> = {
  consume: (value: unknown) => (value === null || value === undefined ? value : Boolean(value)),
}
