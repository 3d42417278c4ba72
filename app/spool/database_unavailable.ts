/*
| Whether a database error means "the database is not there right now"
| (wait and retry: spool) or "it answered and refused this row" (set the
| row aside). Shared by the spools and the outage tracker.
*/

/** Errors that mean "the database is not there right now", as opposed to a bad row. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; errno?: number; message?: string }
  const code = e?.code ?? ''
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      'ENOTFOUND',
      'EPIPE',
      'PROTOCOL_CONNECTION_LOST',
      'ER_CON_COUNT_ERROR',
      'ER_SERVER_SHUTDOWN',
    ].includes(code) ||
    /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|READONLY|FULL)/.test(code) ||
    e?.name === 'KnexTimeoutError' ||
    /Knex: Timeout acquiring a connection|connect ECONNREFUSED|Connection lost|closed state/i.test(
      e?.message ?? ''
    )
  )
}
