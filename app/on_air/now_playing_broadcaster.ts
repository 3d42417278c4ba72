/*
| Pushes "now playing" to the web pages and API clients (server-sent events
| through Transmit) within a second of a change. The streamer runs in its
| own process and writes `logs`; this asks the database one indexed question
| per tick (the last log id) and rebuilds a station's now playing only when
| it moved, or when a diffusion may have begun or ended.
*/
import db from '@adonisjs/lucid/services/db'
import Station from '#models/station'
import { nowPlaying, type NowPlaying } from '#on_air/now_playing'
import { DatabaseOutage } from '#health/database_outage'
import type { Logger } from '#types/logger'
import { logColumns } from '#models/table_columns'

export interface Broadcast {
  (channel: string, payload: NowPlaying): void
}

export class NowPlayingBroadcaster {
  readonly #broadcast: Broadcast
  readonly #interval: number
  #timer: NodeJS.Timeout | null = null
  #lastId = -1
  #lastFull = 0
  #sent = new Map<string, string>()
  #running = false
  readonly #logger: Logger | null
  readonly #outage: DatabaseOutage | null
  #lastError: string | null = null

  /** `logger`: where a database outage and other failed ticks are told (once each, not every tick). */
  constructor(broadcast: Broadcast, interval = 500, logger: Logger | null = null) {
    this.#broadcast = broadcast
    this.#interval = interval
    this.#logger = logger
    this.#outage = logger && new DatabaseOutage('now playing', logger)
  }

  static channel(stationSlug: string) {
    return `now_playing/${stationSlug}`
  }

  start() {
    this.#timer = setInterval(() => void this.tick(), this.#interval)
  }

  stop() {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }

  /** One check; broadcasts the stations whose now playing changed. */
  async tick() {
    if (this.#running) return
    this.#running = true
    try {
      const pushed = await this.#check()
      this.#outage?.reached(`${pushed} station(s) pushed by the first check`)
      this.#lastError = null
    } catch (error) {
      // The database may be away for a moment: said once, and the next tick tries again.
      const message = (error as Error).message
      if (!this.#outage?.failed(error) && message !== this.#lastError)
        this.#logger?.warn(`now playing: ${message}`)
      this.#lastError = message
    } finally {
      this.#running = false
    }
  }

  /** Returns how many stations were pushed. */
  async #check() {
    const row = await db
      .from(logColumns.table)
      .max(`${logColumns.name('id')} as id`)
      .first()
    const lastId = Number(row?.id ?? 0)
    // Diffusions begin and end without a log row: look again every 15 s anyway.
    const due = Date.now() - this.#lastFull > 15_000
    if (lastId === this.#lastId && !due) return 0
    this.#lastId = lastId
    this.#lastFull = Date.now()
    let pushed = 0
    const stations = await Station.query().withScopes((s) => s.active())
    for (const station of stations) {
      const now = await nowPlaying(station)
      const text = JSON.stringify(now)
      if (this.#sent.get(station.slug) === text) continue
      this.#sent.set(station.slug, text)
      this.#broadcast(NowPlayingBroadcaster.channel(station.slug), now)
      pushed++
    }
    return pushed
  }
}
