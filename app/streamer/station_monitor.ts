/*
| The monitor of one station: the I/O around its rules (monitor_rules.ts).
|
| A tick asks Liquidsoap one question (`station.status`) and the database
| none, unless something happened: a new sound on air, a track reached, a
| diffusion to start or cancel, or a change stamp that says the programme or
| the library moved. The rules decide what is logged, told (events) and sent
| to Liquidsoap; this file asks, sends, journals and emits, without waiting
| on the events.
*/
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { DateTime } from 'luxon'
import antenneConfig from '#config/antenne'
import { readChangeStamp } from '#models/change_stamp'
import type { JournalEntry, LogJournal } from '#streamer/log_journal'
import { requestUri, soundGain } from '#streamer/liquidsoap_script'
import {
  liveDiffusions,
  MonitorRules,
  type MonitorCommand,
  type Outcome,
} from '#streamer/monitor_rules'
import type { OnAirStatus } from '#streamer/on_air_status'
import { StationCatalog } from '#streamer/station_catalog'
import { StationControl } from '#streamer/station_control'
import { events } from '#events/event_outbox'
import type { EventType } from '#events/event_types'
import { monitorCancel } from '#scheduling/schedule_changes'
import {
  isStorageError,
  stationPaths,
  stationPlaylists,
  writePlaylists,
} from '#streamer/station_config'
import type { LiquidsoapClient } from '#streamer/telnet'
import type Station from '#models/station'
import { LiveAttemptsImport } from '#live/live_attempts_import'
import {
  finalPathOf,
  LiveRecordingRules,
  recordingName,
  type RecordingCommand,
} from '#live/live_recording'
import { recordingFormat } from '#streamer/liquidsoap_script'
import { writeLiveCredentials } from '#live/live_credentials'
import type { Logger } from '#types/logger'

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

export type EmitEvent = (
  type: EventType,
  station: string | null,
  payload: Record<string, unknown>,
  at?: DateTime
) => unknown

export interface TickReport {
  reachable: boolean
  /** Entries written (or journaled) this tick. */
  logged: number
}

export class StationMonitor {
  readonly station: Station
  readonly client: LiquidsoapClient
  readonly control: StationControl
  readonly catalog: StationCatalog
  readonly journal: LogJournal
  readonly rules: MonitorRules
  readonly #logger: Logger
  readonly #syncIntervalMs: number
  readonly #clock: () => number
  readonly #emit: EmitEvent
  #reachable = true
  #stamp = 0
  #playlistsSyncedAt = 0
  #restoredFromLogs = false
  /** The last resync failure reported, so that a lasting one is reported once. */
  #syncProblem: string | null = null
  /** The live gate's attempts, for a station with a live input; the last failure to import them. */
  readonly #attempts: LiveAttemptsImport | null
  #attemptsProblem: string | null = null
  #credentialsProblem: string | null = null
  /** Live shows recorded into their archives, for a station that records them. */
  readonly #recording: LiveRecordingRules | null
  #partsSwept = false
  #recordingProblem: string | null = null
  lastStatus: OnAirStatus | null = null

  constructor(
    station: Station,
    client: LiquidsoapClient,
    journal: LogJournal,
    logger: Logger,
    options: MonitorOptions
  ) {
    this.station = station
    this.client = client
    this.control = new StationControl(client)
    this.journal = journal
    this.catalog = new StationCatalog(station.id)
    this.#attempts = station.harborPort
      ? new LiveAttemptsImport(stationPaths(station).liveAttempts, station.id)
      : null
    this.#recording =
      station.harborPort && station.liveRecordFormat ? new LiveRecordingRules() : null
    this.#logger = logger
    this.rules = new MonitorRules({
      stationId: station.id,
      cancelTimeoutMs: options.cancelTimeout * 60_000,
      cueLeadMs: (options.cueLead ?? antenneConfig.streamer.cueLead) * 1000,
    })
    this.#syncIntervalMs = (options.syncInterval ?? antenneConfig.streamer.syncInterval) * 1000
    this.#clock = options.clock ?? Date.now
    this.#emit =
      options.emit ?? ((type, target, payload, at) => events.emit(type, target, payload, at))
  }

  async tick(): Promise<TickReport> {
    let status: OnAirStatus
    try {
      status = await this.control.status()
    } catch (error) {
      if (this.#reachable) {
        this.#logger.error(
          `[${this.station.slug}] ${(error as Error).message}; retrying every tick`
        )
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
    if (this.#attempts) await this.#importAttempts(now)
    const entries: JournalEntry[] = []
    const observed = this.rules.observe(status, this.catalog, now)
    entries.push(...this.#apply(observed))
    for (const command of observed.commands) entries.push(...(await this.#execute(command, now)))
    const concluded = this.rules.conclude(status, this.catalog, now)
    entries.push(...this.#apply(concluded))
    for (const command of concluded.commands) entries.push(...(await this.#execute(command, now)))
    await this.journal.write(entries)
    if (this.#recording) await this.#record(status, now)
    return { reachable: true, logged: entries.length }
  }

  /** Says the notes and emits the events of an outcome; returns its entries. */
  #apply(outcome: Outcome) {
    for (const note of outcome.notes)
      this.#logger[note.level](`[${this.station.slug}] ${note.message}`)
    for (const event of outcome.events) {
      const at = DateTime.fromMillis(event.at, { zone: 'utc' })
      this.#emit(event.type, this.station.slug, event.payload, at)
      // A diffusion the monitor cancels leaves the programme guide too.
      if (event.type === 'diffusion_cancelled') {
        const changed = monitorCancel(event.payload)
        if (changed) this.#emit('schedule_changed', this.station.slug, changed, at)
      }
    }
    return outcome.entries
  }

  /** Carries out one of the rules' commands; returns the entries its outcome adds. */
  async #execute(command: MonitorCommand, now: number) {
    switch (command.kind) {
      case 'queue':
        return this.#apply(this.rules.settle(command, await this.#queue(command), now))
      case 'release':
        await this.control.release().catch((error) => {
          this.#logger.warn(
            `[${this.station.slug}] cannot release the rotation (${error.message}); it goes on air by itself`
          )
        })
        return []
      case 'drop_logged_tracks':
        this.rules.dropLoggedTracks(await this.catalog.loggedTracksSince(command.since))
        return []
      case 'title':
        // What players show is no reason to stop a tick: the on-air log is what counts.
        await this.control.setTitle(command.title, command.artist).catch((error) => {
          this.#logger.warn(`[${this.station.slug}] cannot set the stream title (${error.message})`)
        })
        return []
      case 'repair_playlists':
        void this.syncPlaylists().catch((error) => {
          this.#logger.warn(
            `[${this.station.slug}] dead air: cannot rewrite the playlists (${error.message})`
          )
        })
        return []
    }
  }

  /**
   * Sets the dealer gate and pushes the sounds, annotated with the diffusion,
   * their gain and the command's extra keys for the first one. Returns the
   * paths Liquidsoap could not resolve or decode.
   */
  async #queue(command: Extract<MonitorCommand, { kind: 'queue' }>): Promise<string[]> {
    await this.control.setGate(command.gate)
    const failed: string[] = []
    for (const [index, sound] of command.sounds.entries()) {
      const gain = soundGain(sound, antenneConfig.streamer.loudnessTarget)
      const uri = requestUri(sound.path, {
        antenne_diffusion: command.diffusionId,
        // The diffusion's title, not the file's tags; the empty artist is dropped by the script.
        title: command.title,
        artist: '',
        liq_amplify: gain === null ? null : `${gain} dB`,
        ...(index === 0 ? command.first : {}),
      })
      if (!(await this.control.pushChecked(uri))) failed.push(sound.path)
    }
    return failed
  }

  /** Reloads the catalog and rewrites the playlists when something changed or the interval passed. */
  async #sync(now: number) {
    const stamp = readChangeStamp()
    const changed = stamp !== this.#stamp
    if (!changed && !this.catalog.isStale(now, this.#syncIntervalMs)) return
    try {
      await this.catalog.load(now)
      if (this.station.harborPort) await this.#writeCredentials()
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
        this.#logger.error(
          `[${this.station.slug}] cannot resync (${message}); the catalog and playlists in hand go on`
        )
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
      await this.control.reloadPlaylist(id).catch((error) => {
        this.#logger.warn(
          `[${this.station.slug}] playlist ${id} written but not reloaded: ${error.message}`
        )
      })
    }
    if (changed.length) {
      this.#logger.info(`[${this.station.slug}] playlists updated: ${changed.join(', ')}`)
      this.#event('config_reloaded', this.#clock(), { playlists: changed })
    }
    return changed
  }

  /** Who may go live, for the gate; a failure keeps the file in hand (live shows go on). */
  async #writeCredentials() {
    try {
      await writeLiveCredentials(this.station)
      if (this.#credentialsProblem)
        this.#logger.info(`[${this.station.slug}] live credentials written again`)
      this.#credentialsProblem = null
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]
      if (message !== this.#credentialsProblem)
        this.#logger.error(
          `[${this.station.slug}] cannot write the live credentials (${message}); the gate keeps the last ones`
        )
      this.#credentialsProblem = message
    }
  }

  /** The gate's new attempts into the table; each refusal is an event. */
  async #importAttempts(now: number) {
    let fresh
    try {
      fresh = await this.#attempts!.take()
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]
      if (message !== this.#attemptsProblem)
        this.#logger.warn(
          `[${this.station.slug}] live attempts wait to be recorded (${message}); retrying every tick`
        )
      this.#attemptsProblem = message
      return
    }
    this.#attemptsProblem = null
    for (const attempt of fresh) {
      if (attempt.accepted) continue
      this.#logger.warn(
        `[${this.station.slug}] live login of "${attempt.user}" from ${attempt.address} refused: ${attempt.reason}`
      )
      this.#event('live_refused', attempt.at || now, {
        user: attempt.user,
        user_id: attempt.userId,
        address: attempt.address,
        reason: attempt.reason,
      })
    }
  }

  /** Starts, stops and names the recording of the live show on air. */
  async #record(status: OnAirStatus, now: number) {
    if (!this.#partsSwept) await this.#sweepParts(now)
    const [show = null] = liveDiffusions(this.catalog, now)
    const commands = this.#recording!.decide(
      { live: status.live, recording: status.recording },
      show,
      {
        zone: this.station.timezone,
        extension: recordingFormat(this.station.liveRecordFormat!).extension,
        marginAfter: this.station.liveMarginAfter ?? 0,
      },
      now
    )
    for (const command of commands) await this.#recordCommand(command)
  }

  /**
   * Parts a previous monitor left hidden (it stopped before their slot was
   * over) take their names, once the slot is: the recording is not lost.
   */
  async #sweepParts(now: number) {
    this.#partsSwept = true
    const margin = (this.station.liveMarginAfter ?? 0) * 1000
    const extension = recordingFormat(this.station.liveRecordFormat!).extension
    for (const diffusion of this.catalog.diffusions) {
      if (!diffusion.soundsDir || !diffusion.programSlug || diffusion.end + margin > now) continue
      const dir = join(diffusion.soundsDir, 'archives')
      const stem = recordingName(
        diffusion.start,
        this.station.timezone,
        diffusion.programSlug,
        1,
        extension
      ).replace(/\.[^.]+$/, '')
      const names = await readdir(dir).catch(() => [] as string[])
      const parts = names
        .filter((n) => n.startsWith(`.${stem}`) && n.endsWith('.recording'))
        .map((n) => join(dir, n))
      if (parts.length) await this.#recordCommand({ kind: 'finalize', parts })
    }
  }

  async #recordCommand(command: RecordingCommand) {
    const slug = this.station.slug
    try {
      switch (command.kind) {
        case 'record':
          await mkdir(dirname(command.path), { recursive: true, mode: 0o750 })
          await this.control.record(command.path)
          this.#logger.info(`[${slug}] recording the live show into ${command.path}`)
          break
        case 'stop_recording':
          await this.control.stopRecording()
          break
        case 'finalize':
          for (const part of command.parts) {
            const final = finalPathOf(part)!
            const size = await stat(part).then(
              (s) => s.size,
              () => 0
            )
            if (size === 0) {
              await rm(part, { force: true })
              continue
            }
            await rename(part, final)
            this.#logger.info(`[${slug}] live show recorded: ${final}`)
          }
          break
      }
      this.#recordingProblem = null
    } catch (error) {
      // The show goes on air whatever happens to its recording; a lasting problem is said once.
      if (command.kind === 'record') this.#recording!.recordFailed(command.path)
      const message = `${command.kind} failed (${(error as Error).message})`
      if (message === this.#recordingProblem) return
      this.#recordingProblem = message
      this.#logger.error(`[${slug}] recording: ${message}`)
      if (isStorageError(error))
        this.#event('storage_error', this.#clock(), { error: (error as Error).message })
    }
  }

  /** After a monitor restart: the last airing in the logs is not logged again. */
  async #restoreFromLogs() {
    this.#restoredFromLogs = true
    const last = await this.catalog.lastOnAir()
    if (last) this.rules.lastLogged = last
  }

  #event(type: EventType, at: number, payload: Record<string, unknown>) {
    this.#emit(type, this.station.slug, payload, DateTime.fromMillis(at, { zone: 'utc' }))
  }
}
