/*
| A process that works the database in passes says once that the database
| went away and once that it is back: how long it was away and what the
| process wrote on its return. Not a line per failed pass: during a 60 s
| outage the deliverer printed 119 warnings, each with a stack trace.
| Errors that are not an outage (a bad query, a refused row) are not its
| business: the caller reports those as before.
*/
import { isUnavailable } from '#spool/database_unavailable'
import type { Logger } from '#types/logger'

/** "850 ms", "12.3 s", "1 min 43 s". */
export function formatAway(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/** The first line of an error, without the SQL knex puts before it. */
function reason(error: unknown) {
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0]
  return message.replace(/^.* - (?=[^-]+$)/, '').slice(0, 200)
}

export class DatabaseOutage {
  readonly #name: string
  readonly #logger: Logger
  readonly #clock: () => number
  #since: number | null = null

  /** `name` starts each line ("events", "listeners", "library"). */
  constructor(name: string, logger: Logger, clock: () => number = Date.now) {
    this.#name = name
    this.#logger = logger
    this.#clock = clock
  }

  get down() {
    return this.#since !== null
  }

  /** A failed pass: true when its error means the database is away (said at the first one only). */
  failed(error: unknown): boolean {
    if (!isUnavailable(error)) return false
    if (this.#since === null) {
      this.#since = this.#clock()
      this.#logger.warn(
        `${this.#name}: database unavailable (${reason(error)}); trying again quietly until it is back`
      )
    }
    return true
  }

  /** A pass that reached the database; `written` says what it wrote ("3 events delivered"). */
  reached(written?: string) {
    if (this.#since === null) return
    const away = this.#clock() - this.#since
    this.#since = null
    this.#logger.info(
      `${this.#name}: database back after ${formatAway(away)}${written ? `; ${written}` : ''}`
    )
  }
}
