/*
| How much one statement may carry, per database: the rows of a multi-row
| INSERT and the ids of an `IN (...)` are bound parameters, and SQLite refuses
| a statement with more than SQLITE_MAX_VARIABLE_NUMBER of them (32,766 in the
| SQLite that better-sqlite3 bundles). MariaDB/MySQL take 65,535 placeholders
| per prepared statement; mysql2 inlines them, but the same cap keeps each
| statement far below max_allowed_packet.
*/
import db from '@adonisjs/lucid/services/db'

const PARAMETERS: Record<string, number> = { 'sqlite3': 32_766, 'better-sqlite3': 32_766 }
const DEFAULT_PARAMETERS = 65_535
// Past a few thousand rows a longer statement saves no time and holds locks longer.
const MOST_ROWS = 5_000

function parameters(connection?: string): number {
  return PARAMETERS[db.connection(connection).dialect.name] ?? DEFAULT_PARAMETERS
}

/** Rows per multi-row INSERT of `columns` columns. */
export function rowsPerInsert(columns: number, connection?: string): number {
  return Math.max(1, Math.min(MOST_ROWS, Math.floor(parameters(connection) / columns)))
}

/** Values per `whereIn(...)`, leaving room for the statement's other parameters. */
export function idsPerQuery(connection?: string): number {
  return Math.min(MOST_ROWS, parameters(connection) - 100)
}

/** `items` cut into batches of at most `size`. */
export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
