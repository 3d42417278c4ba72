/*
| The monitor of one station (Aircox's Monitor: trace_sound, trace_tracks,
| handle_diffusions, start_diff, cancel_diff, sync), one tick at a time.
|
| A tick asks Liquidsoap one question (`station.status`) and the database
| none, unless something happened: a new sound on air, a track reached, a
| diffusion to start or cancel, or a change stamp that says the programme or
| the library moved. What goes on air is keyed by Liquidsoap's process start
| and request id, so a resumed playlist track is not a new airing, and the
| last airing is looked up in the logs after a restart, so nothing is
| logged twice. What happens is also told as events (diffusion_started,
| sound_on_air, output_down...), emitted without waiting.
*/
import { DateTime } from 'luxon'
import antenneConfig from '#config/antenne'
import { LiquidsoapCommandException } from '#exceptions/domain'
import { readChangeStamp } from '#streamer/change_stamp'
import { LogJournal, type JournalEntry, type LogRow } from '#streamer/log_journal'
import { requestUri, soundGain } from '#streamer/liquidsoap_script'
import { airingKey, parseStatus, resumePoint, type OnAirStatus } from '#streamer/on_air_status'
import { StationCatalog, type CatalogDiffusion, type CatalogSound, type CatalogTrack } from '#streamer/station_catalog'
import { events } from '#events/event_outbox'
import type { EventType } from '#events/event_types'
import { isStorageError, stationPlaylists, writePlaylists } from '#streamer/station_config'
import type { LiquidsoapClient } from '#streamer/telnet'
import type Station from '#models/station'

/** Longer than push_checked's own resolve timeout (10 s in the script). */
const PUSH_TIMEOUT_MS = 12_000

export interface MonitorOptions {
  /** Minutes after its start at which an unstarted diffusion is cancelled (Aircox's --timeout). */
  cancelTimeout: number
  /** Seconds before a start at which its sounds are queued behind the dealer gate. */
  cueLead?: number
  /** Seconds between two playlist and catalog resyncs. */
  syncInterval?: number
  /** The clock, in epoch ms (tests and benches move it). */
  clock?: () => number
  /** Where events go (default: this process's outbox; never waits). */
  emit?: EmitEvent
}

export type EmitEvent = (type: EventType, station: string | null, payload: Record<string, unknown>, at?: DateTime) => unknown

/** What the events of a diffusion say of it. */
function facts(diffusion: CatalogDiffusion) {
  return { diffusion_id: diffusion.id, program: diffusion.program, episode: diffusion.title, start: new Date(diffusion.start).toISOString() }
}

/** A diffusion not on air this long after its start is reported late (once). */
const LATE_AFTER_MS = 60_000
/** A diffusion that started this much after its start is reported late too. */
const LATE_START_MS = 5_000

export interface MonitorLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

interface Airing {
  key: string
  /** Timestamped tracks not logged yet, in order. */
  pending: Array<{ track: CatalogTrack; at: number }>
  /** The sound on air, when the library knows it. */
  sound?: CatalogSound | null
}

export interface TickReport {
  reachable: boolean
  /** Entries written (or journaled) this tick. */
  logged: number
}

export class StationMonitor {
  readonly station: Station
  readonly client: LiquidsoapClient
  readonly catalog: StationCatalog
  readonly journal: LogJournal
  readonly #logger: MonitorLogger
  readonly #cancelTimeoutMs: number
  readonly #cueLeadMs: number
  readonly #syncIntervalMs: number
  readonly #clock: () => number
  readonly #emit: EmitEvent

  /** The Liquidsoap process last seen (its start time), and what it has aired. */
  #instance: number | null = null
  #seen = new Set<string>()
  #airing: Airing | null = null
  /** Diffusions queued in the current Liquidsoap process; when a failed cue may be tried again. */
  #cued = new Set<number>()
  #cueFailures = new Map<number, number>()
  /** The last airing logged (this run, or found in the logs at start-up). */
  #lastLogged: { date: number; path: string | null } | null = null
  #reachable = true
  #stamp = 0
  #playlistsSyncedAt = 0
  #restoredFromLogs = false
  /** What the events last said of the live input, the outputs, the silence and late diffusions. */
  #live: boolean | null = null
  #outputs: Record<string, boolean> = {}
  #deadAirSince = 0
  #reportedLate = new Set<number>()
  /** The last resync failure reported, so that a lasting one is reported once. */
  #syncProblem: string | null = null
  lastStatus: OnAirStatus | null = null

  constructor(station: Station, client: LiquidsoapClient, journal: LogJournal, logger: MonitorLogger, options: MonitorOptions) {
    this.station = station
    this.client = client
    this.journal = journal
    this.catalog = new StationCatalog(station.id)
    this.#logger = logger
    this.#cancelTimeoutMs = options.cancelTimeout * 60_000
    this.#cueLeadMs = (options.cueLead ?? antenneConfig.streamer.cueLead) * 1000
    this.#syncIntervalMs = (options.syncInterval ?? antenneConfig.streamer.syncInterval) * 1000
    this.#clock = options.clock ?? Date.now
    this.#emit = options.emit ?? ((type, station, payload, at) => events.emit(type, station, payload, at))
  }

  async tick(): Promise<TickReport> {
    let status: OnAirStatus
    try {
      status = parseStatus(await this.client.raw('station.status'))
    } catch (error) {
      if (this.#reachable) {
        this.#logger.error(`[${this.station.slug}] ${(error as Error).message}; retrying every tick`)
      }
      this.#reachable = false
      // The database side goes on: the journal may still be waiting.
      if (this.journal.hasBacklog()) await this.journal.flush().catch(() => false)
      return { reachable: false, logged: 0 }
    }
    if (!this.#reachable) this.#logger.info(`[${this.station.slug}] Liquidsoap answers again`)
    this.#reachable = true
    this.lastStatus = status
    const now = this.#clock()

    if (this.journal.hasBacklog()) await this.journal.flush()
    await this.#sync(now)
    const entries: JournalEntry[] = []
    if (status.started !== this.#instance) await this.#onNewInstance(status, now)
    await this.#traceSound(status, entries)
    this.#traceTracks(now, entries)
    await this.#handleDiffusions(status, now, entries)
    this.#traceTransitions(status, now)
    await this.journal.write(entries)
    return { reachable: true, logged: entries.length }
  }

  /** Reloads the catalog and rewrites the playlists when something changed or the interval passed. */
  async #sync(now: number) {
    const stamp = readChangeStamp()
    const changed = stamp !== this.#stamp
    if (!changed && !this.catalog.isStale(now, this.#syncIntervalMs)) return
    try {
      await this.catalog.load(now)
      if (!this.#restoredFromLogs) await this.#restoreFromLogs()
      this.#stamp = stamp
      if (changed || now - this.#playlistsSyncedAt >= this.#syncIntervalMs) {
        await this.syncPlaylists()
        this.#playlistsSyncedAt = now
      }
    } catch (error) {
      // Keep the catalog we have: the audio and the journal go on without it.
      const message = (error as Error).message.split('\n')[0]
      if (message !== this.#syncProblem) {
        this.#logger.error(`[${this.station.slug}] cannot resync (${message}); the catalog and playlists in hand go on`)
        if (isStorageError(error)) this.#event('storage_error', now, { error: message })
      }
      this.#syncProblem = message
      this.catalog.loadedAt = now
      return
    }
    if (this.#syncProblem) this.#logger.info(`[${this.station.slug}] resynced again`)
    this.#syncProblem = null
  }

  /** Rewrites the playlists that changed and asks Liquidsoap to reload them. */
  async syncPlaylists(): Promise<string[]> {
    const changed = await writePlaylists(await stationPlaylists(this.station))
    for (const id of changed) {
      await this.client.command(`${id}.reload`).catch((error) => {
        this.#logger.warn(`[${this.station.slug}] playlist ${id} written but not reloaded: ${error.message}`)
      })
    }
    if (changed.length) {
      this.#logger.info(`[${this.station.slug}] playlists updated: ${changed.join(', ')}`)
      this.#event('config_reloaded', this.#clock(), { playlists: changed })
    }
    return changed
  }

  /** After a monitor restart: the last airing in the logs is not logged again. */
  async #restoreFromLogs() {
    this.#restoredFromLogs = true
    const last = await this.catalog.lastOnAir()
    if (last) this.#lastLogged = last
  }

  async #onNewInstance(status: OnAirStatus, now: number) {
    if (this.#instance !== null) this.#logger.warn(`[${this.station.slug}] Liquidsoap restarted: resuming`)
    this.#instance = status.started
    this.#seen.clear()
    this.#cued.clear()
    await this.#resumeDiffusion(status, now)
    // The diffusion is queued (or there is none): the rotation may go on air.
    if (status.held) {
      await this.client.command('station.release').catch((error) => {
        this.#logger.warn(`[${this.station.slug}] cannot release the rotation (${error.message}); it goes on air by itself`)
      })
    }
  }

  // ---- sounds -------------------------------------------------------------

  async #traceSound(status: OnAirStatus, entries: JournalEntry[]) {
    if (!status.rid || !status.filename) return
    const key = airingKey(status)
    if (this.#airing?.key === key) return
    // A request seen before in this process is an interrupted track resuming.
    if (this.#seen.has(key)) {
      this.#airing = { key, pending: [] }
      return
    }
    this.#seen.add(key)
    const date = status.firstOnAir ?? status.now
    const sound = this.catalog.sounds.get(status.filename) ?? null
    const airing: Airing = { key, pending: [], sound }
    this.#airing = airing
    if (sound) {
      airing.pending = sound.tracks.map((track) => ({ track, at: date + track.timestamp * 1000 }))
    }
    // A diffusion resumed after a Liquidsoap restart already has its log.
    if (status.resumed) {
      airing.pending = airing.pending.filter((p) => p.at > status.now)
      return
    }
    const last = this.#lastLogged
    if (last && last.path === (sound?.path ?? status.filename) && Math.abs(last.date - date) < 1500) {
      // Logged by a previous run of the monitor: only the tracks it had not reached remain.
      const logged = await this.catalog.loggedTracksSince(date)
      airing.pending = airing.pending.filter((p) => !logged.has(p.track.id))
      return
    }
    const diffusionId =
      status.diffusionId ?? (sound?.episodeId ? this.catalog.diffusionOfEpisodeAt(sound.episodeId, date)?.id ?? null : null)
    entries.push(
      this.#log({
        type: 'on_air',
        date,
        source: status.source || null,
        soundId: sound?.id ?? null,
        diffusionId,
        comment: sound ? null : status.uri,
      })
    )
    this.#lastLogged = { date, path: sound?.path ?? status.filename }
    this.#event('sound_on_air', date, {
      sound_id: sound?.id ?? null,
      path: sound?.path ?? status.filename,
      name: sound?.name ?? null,
      title: sound?.title ?? null,
      artist: sound?.artist ?? null,
      cover: sound?.cover ?? null,
      diffusion_id: diffusionId,
      source: status.source || null,
    })
  }

  /** Timestamped tracks of the sound on air, logged as air time + timestamp passes. */
  #traceTracks(now: number, entries: JournalEntry[]) {
    const airing = this.#airing
    if (!airing?.pending.length) return
    while (airing.pending.length && airing.pending[0].at <= now) {
      const { track, at } = airing.pending.shift()!
      entries.push(
        this.#log({
          type: 'on_air',
          date: at,
          source: this.lastStatus?.source || null,
          trackId: track.id,
          comment: track.artist ? `${track.artist} – ${track.title}` : track.title,
        })
      )
      this.#event('track_on_air', at, { track_id: track.id, title: track.title, artist: track.artist, sound_id: airing.sound?.id ?? null, cover: airing.sound?.cover ?? null, source: this.lastStatus?.source || null })
    }
  }

  // ---- diffusions ---------------------------------------------------------

  async #handleDiffusions(status: OnAirStatus, now: number, entries: JournalEntry[]) {
    this.#traceStart(status, now, entries)
    const cuedNow = await this.#cueNext(status, now, entries)
    this.#cancelLate(now, cuedNow, entries)
  }

  /** Logs `start` when the script reports a diffusion's first frame, or the live input for a live show. */
  #traceStart(status: OnAirStatus, now: number, entries: JournalEntry[]) {
    if (status.active === 'dealer' && status.diffusionId) {
      const diffusion = this.catalog.diffusion(status.diffusionId)
      if (diffusion && diffusion.startedAt === null) {
        diffusion.startedAt = status.firstOnAir ?? now
        entries.push(this.#log({ type: 'start', date: diffusion.startedAt, source: 'dealer', diffusionId: diffusion.id, comment: diffusion.title }))
        this.#diffusionStarted(diffusion, 'dealer')
        this.#logger.info(
          `[${this.station.slug}] diffusion ${diffusion.id} "${diffusion.title}" on air, ${diffusion.startedAt - diffusion.start} ms from its start`
        )
      }
    }
    if (status.active === 'live') {
      const live = this.catalog.running(now).find((d) => d.archives.length === 0 && d.startedAt === null)
      if (live) {
        live.startedAt = now
        entries.push(this.#log({ type: 'start', date: now, source: 'live', diffusionId: live.id, comment: live.title }))
        this.#diffusionStarted(live, 'live')
      }
    }
  }

  /**
   * Queues the next diffusion's archives ahead of its start behind the dealer
   * gate, so that Liquidsoap switches on the frame of the start. A diffusion
   * found late (within the timeout) starts at once, from its beginning.
   */
  async #cueNext(status: OnAirStatus, now: number, entries: JournalEntry[]): Promise<Set<number>> {
    const cued = new Set<number>()
    if (status.dealerQueue > 0 || status.active === 'dealer') return cued
    const next = this.catalog.diffusions.find(
      (d) =>
        d.startedAt === null &&
        d.archives.length > 0 &&
        !this.#cued.has(d.id) &&
        d.start - this.#cueLeadMs <= now &&
        now < d.start + this.#cancelTimeoutMs &&
        now < d.end &&
        (this.#cueFailures.get(d.id) ?? 0) <= now
    )
    if (!next) return cued
    const failed = await this.#queue(next.id, next.archives, Math.max(next.start, now))
    if (failed.length) {
      this.#logger.warn(`[${this.station.slug}] diffusion ${next.id}: cannot play ${failed.join(', ')} (missing or undecodable)`)
      entries.push(this.#log({ type: 'other', date: now, source: 'dealer', diffusionId: next.id, comment: `cannot play: ${failed.join(', ')}` }))
    }
    if (failed.length === next.archives.length) {
      // Nothing could be queued: try again in 30 s; the timeout cancels it if that never works.
      this.#cueFailures.set(next.id, now + 30_000)
      return cued
    }
    this.#cued.add(next.id)
    cued.add(next.id)
    return cued
  }

  /**
   * Sets the dealer gate to `gate` (epoch ms) and pushes the sounds, annotated
   * with the diffusion, their gain and `first`'s extra keys for the first one.
   * Returns the paths Liquidsoap could not resolve or decode.
   */
  async #queue(diffusionId: number, sounds: CatalogSound[], gate: number, first: Record<string, string | number> = {}) {
    await this.client.command('dealer.gate', (gate / 1000).toFixed(3))
    const failed: string[] = []
    for (const [index, sound] of sounds.entries()) {
      const gain = soundGain(sound, antenneConfig.streamer.loudnessTarget)
      const uri = requestUri(sound.path, {
        antenne_diffusion: diffusionId,
        liq_amplify: gain === null ? null : `${gain} dB`,
        ...(index === 0 ? first : {}),
      })
      try {
        // The script resolves and test-decodes the file, allowing it 10 s: so do we.
        await this.client.command('dealer.push_checked', uri, PUSH_TIMEOUT_MS)
      } catch (error) {
        if (!(error instanceof LiquidsoapCommandException)) throw error
        failed.push(sound.path)
      }
    }
    return failed
  }

  /** Diffusions that did not start within the timeout become `cancel` (never in the tick that queued them). */
  #cancelLate(now: number, cuedNow: Set<number>, entries: JournalEntry[]) {
    for (const diffusion of [...this.catalog.diffusions]) {
      if (diffusion.startedAt !== null || cuedNow.has(diffusion.id)) continue
      if (now >= diffusion.start + LATE_AFTER_MS && now < diffusion.end && !this.#reportedLate.has(diffusion.id)) {
        this.#reportedLate.add(diffusion.id)
        this.#event('diffusion_late', now, { ...facts(diffusion), late_ms: now - diffusion.start, started: false })
      }
      if (now < diffusion.start + this.#cancelTimeoutMs) continue
      if (this.#cued.has(diffusion.id) && this.lastStatus?.active === 'dealer') continue
      entries.push({ op: 'cancel', diffusionId: diffusion.id })
      this.#event('diffusion_cancelled', now, { ...facts(diffusion), reason: `not on air ${Math.round((now - diffusion.start) / 60_000)} min after its start` })
      entries.push(this.#log({ type: 'cancel', date: now, source: null, diffusionId: diffusion.id, comment: diffusion.title }))
      this.#logger.warn(`[${this.station.slug}] diffusion ${diffusion.id} "${diffusion.title}" cancelled: not on air ${Math.round((now - diffusion.start) / 60_000)} min after its start`)
      this.catalog.forget(diffusion.id)
    }
  }

  /**
   * A Liquidsoap that (re)started while a started diffusion should still be
   * on air gets it back at the right offset (Aircox never restarted one).
   */
  async #resumeDiffusion(status: OnAirStatus, now: number) {
    if (status.active === 'dealer' || status.dealerQueue > 0) return
    // The latest diffusion started before this process whose sounds are not over.
    const candidates = this.catalog.diffusions
      .filter((d) => d.startedAt !== null && d.startedAt < status.started && d.archives.length > 0)
      .sort((a, b) => b.startedAt! - a.startedAt!)
    const diffusion = candidates[0]
    if (!diffusion) return
    const point = resumePoint(diffusion.archives, (now - diffusion.startedAt!) / 1000)
    if (!point) return
    const failed = await this.#queue(diffusion.id, diffusion.archives.slice(point.index), now, {
      liq_cue_in: point.offset.toFixed(3),
      antenne_resume: 1,
    })
    if (failed.length) this.#logger.warn(`[${this.station.slug}] cannot resume ${failed.join(', ')} (missing or undecodable)`)
    this.#cued.add(diffusion.id)
    this.#logger.warn(
      `[${this.station.slug}] diffusion ${diffusion.id} "${diffusion.title}" resumed at ${point.offset.toFixed(1)} s of sound ${point.index + 1}`
    )
  }

  #diffusionStarted(diffusion: CatalogDiffusion, source: string) {
    const delay = diffusion.startedAt! - diffusion.start
    const payload = { ...facts(diffusion), source, delay_ms: delay }
    this.#event('diffusion_started', diffusion.startedAt!, payload)
    if (delay > LATE_START_MS && !this.#reportedLate.has(diffusion.id)) {
      this.#reportedLate.add(diffusion.id)
      this.#event('diffusion_late', diffusion.startedAt!, { ...payload, late_ms: delay, started: true })
    }
  }

  /** Live input, outputs and silence: an event when each changes. */
  #traceTransitions(status: OnAirStatus, now: number) {
    if (this.#live !== null && status.live !== this.#live) this.#event(status.live ? 'live_connected' : 'live_disconnected', now, {})
    this.#live = status.live
    for (const [output, up] of Object.entries(status.outputs)) {
      const before = this.#outputs[output]
      if (before === true && !up) this.#event('output_down', now, { output })
      if (before === false && up) this.#event('output_up', now, { output })
      this.#outputs[output] = up
    }
    if (status.blankSince > 0 && status.blankSince !== this.#deadAirSince) {
      this.#event('dead_air', now, { since: new Date(status.blankSince).toISOString(), source: status.active })
      // A damaged playlist is a cause of silence: repair it now, not at the next resync.
      void this.syncPlaylists().catch((error) => {
        this.#logger.warn(`[${this.station.slug}] dead air: cannot rewrite the playlists (${error.message})`)
      })
    }
    this.#deadAirSince = status.blankSince
  }

  #event(type: EventType, at: number, payload: Record<string, unknown>) {
    this.#emit(type, this.station.slug, payload, DateTime.fromMillis(at, { zone: 'utc' }))
  }

  #log(row: Omit<LogRow, 'stationId'>): JournalEntry {
    return { op: 'log', row: { stationId: this.station.id, ...row } }
  }
}
