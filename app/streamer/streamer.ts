/*
| `node ace streamer`: configure, run and monitor a set of stations. Each
| station has its own supervisor and its own monitor loop, so that one
| station's trouble (a crashing Liquidsoap, a slow socket) never holds up
| another's ticks.
*/
import { existsSync } from 'node:fs'
import { StreamerConfigException } from '#exceptions/domain'
import Station from '#models/station'
import { findStations } from '#scheduling/stations'
import { LiquidsoapClient } from '#streamer/telnet'
import { LiquidsoapSupervisor } from '#streamer/liquidsoap_supervisor'
import { events } from '#events/event_outbox'
import { LogJournal, type JournalFence } from '#streamer/log_journal'
import { StationLeadership } from '#streamer/station_leadership'
import { StationControl } from '#streamer/station_control'
import { StationMonitor } from '#streamer/station_monitor'
import { writeLiveCredentials } from '#live/live_credentials'
import {
  activeOutputs,
  isStorageError,
  rewritePlaylists,
  stationPaths,
  writeStationConfig,
  type ConfigResult,
} from '#streamer/station_config'
import antenneConfig from '#config/antenne'
import { FallbackSource, fallbackAudio } from '#streamer/fallback_source'
import { icecastMounts } from '#streamer/icecast_mounts'
import type { Logger } from '#types/logger'

export interface StreamerOptions {
  config: boolean
  run: boolean
  monitor: boolean
  /** Milliseconds per monitor tick. */
  delay: number
  /** Minutes before an unstarted diffusion is cancelled. */
  timeout: number
  stations?: string[]
}

interface StationRuntime {
  station: Station
  supervisor: LiquidsoapSupervisor | null
  fallbacks: FallbackSource[]
  monitor: StationMonitor | null
  client: LiquidsoapClient
  /** On a node that shares the station (ANTENNE_NODE): its lease, which runs the monitor while it leads. */
  leadership: StationLeadership | null
}

export class Streamer {
  readonly options: StreamerOptions
  readonly #logger: Logger
  readonly runtimes: StationRuntime[] = []
  #stopped = false
  #wake: Array<() => void> = []
  #loops: Promise<void>[] = []

  constructor(options: StreamerOptions, logger: Logger) {
    this.options = options
    this.#logger = logger
  }

  /** The stations to stream: named ones, or every active one; each needs an active output. */
  static async stations(slugs?: string[]): Promise<Station[]> {
    const rows = await findStations(slugs)
    const stations = await Station.query()
      .whereIn(
        'id',
        rows.map((row) => row.id)
      )
      .orderBy('id')
    for (const station of stations) await activeOutputs(station)
    return stations
  }

  /** Renders and checks the script and playlists of each station. */
  async configure(stations: Station[]): Promise<ConfigResult[]> {
    const results: ConfigResult[] = []
    for (const station of stations) {
      let result: ConfigResult
      try {
        result = await writeStationConfig(station)
        // The gate's credentials before Liquidsoap can ask for them.
        if (station.harborPort) await writeLiveCredentials(station)
      } catch (error) {
        // A full disk must not keep a station that has its files off air.
        const paths = stationPaths(station)
        if (!isStorageError(error) || !existsSync(paths.script)) throw error
        this.#logger.error(
          `[${station.slug}] cannot write the script and playlists (${(error as Error).message}): going on with those on disk`
        )
        events.emit('storage_error', station.slug, {
          path: paths.dir,
          error: (error as Error).message,
        })
        result = { script: paths.script, scriptChanged: false, playlists: [] }
      }
      if (result.scriptChanged)
        events.emit('config_reloaded', station.slug, { script: result.script })
      results.push(result)
    }
    return results
  }

  /** Starts (or adopts) Liquidsoap and the monitors as the options say; resolves once they are up. */
  async start(stations: Station[]): Promise<void> {
    for (const station of stations) {
      const paths = stationPaths(station)
      if (this.options.run && !existsSync(paths.script)) {
        throw new StreamerConfigException(
          `station "${station.slug}" has no script at ${paths.script}: run with --config first`
        )
      }
      const client = new LiquidsoapClient({ path: paths.socket }, { timeout: 2000 })
      const node = antenneConfig.streamer.node
      const monitor =
        this.options.monitor && !node
          ? new StationMonitor(station, client, this.#journal(station), this.#logger, {
              cancelTimeout: this.options.timeout,
            })
          : null
      const supervisor = this.options.run
        ? new LiquidsoapSupervisor(station, paths, this.#logger, {
            // A damaged or stale playlist is repaired before Liquidsoap reads it.
            beforeStart: () => rewritePlaylists(station),
            holdMs: antenneConfig.streamer.holdMs,
          })
        : null
      if (supervisor) this.#report(station, supervisor)
      // The fallbacks live with the monitor, not with Liquidsoap's supervisor: when the
      // supervisor's own unit restarts Liquidsoap, the listeners still have them.
      const fallbacks = this.options.monitor ? await this.#fallbacks(station) : []
      const leadership =
        this.options.monitor && node ? this.#leadership(station, node, client, supervisor) : null
      this.runtimes.push({ station, supervisor, monitor, client, fallbacks, leadership })
    }
    // The fallbacks first: a Liquidsoap that crashes at once already has them under its listeners.
    await Promise.all(
      this.runtimes.flatMap((runtime) => runtime.fallbacks.map((fallback) => fallback.start()))
    )
    await Promise.all(
      this.runtimes.map(async ({ station, supervisor }) => {
        if (!supervisor) return
        await supervisor.start()
        this.#logger.info(
          `[${station.slug}] Liquidsoap ${supervisor.adopted ? 'adopted' : 'running'} (pid ${supervisor.pid}), socket ${supervisor.paths.socket}`
        )
      })
    )
    for (const runtime of this.runtimes) {
      if (runtime.monitor) this.#loops.push(this.#loop(runtime.monitor))
      runtime.leadership?.start()
    }
  }

  /** The station's lease on this node: its monitor runs only while the node leads. */
  #leadership(
    station: Station,
    node: string,
    client: LiquidsoapClient,
    supervisor: LiquidsoapSupervisor | null
  ) {
    const paths = stationPaths(station)
    return new StationLeadership(
      station,
      {
        node,
        timing: {
          durationMs: antenneConfig.streamer.leaseMs,
          marginMs: antenneConfig.streamer.leaseMarginMs,
        },
        delay: this.options.delay,
        monitor: (token) =>
          new StationMonitor(
            station,
            client,
            this.#journal(station, { stationId: station.id, token }),
            this.#logger,
            { cancelTimeout: this.options.timeout }
          ),
        control: new StationControl(
          new LiquidsoapClient({ path: paths.socket }, { timeout: 1000, connectTimeout: 500 })
        ),
        ready: () => (supervisor ? supervisor.running && supervisor.ready : true),
        // A standby's script and playlists follow the database; a new script restarts its
        // Liquidsoap, which costs nothing while it is not on air.
        sync: async () => {
          const control = new StationControl(client)
          for (const id of await rewritePlaylists(station))
            await control.reloadPlaylist(id).catch(() => {})
          if (station.harborPort) await writeLiveCredentials(station)
          if ((await writeStationConfig(station)).scriptChanged) await supervisor?.restart()
        },
        syncInterval: 60_000,
        emit: (type, target, payload, at) => events.emit(type, target, payload, at),
      },
      this.#logger
    )
  }

  #journal(station: Station, fence?: JournalFence): LogJournal {
    const path = stationPaths(station).journal
    return new LogJournal(path, this.#logger, {
      onStorageError: (error) => events.emit('storage_error', station.slug, { path, error }),
      fence,
    })
  }

  /** The fallback source of each of the station's Icecast mounts (see icecast_config.ts). */
  async #fallbacks(station: Station): Promise<FallbackSource[]> {
    const dir = stationPaths(station).dir
    const source = antenneConfig.streamer.fallbackAudio
    return (await icecastMounts({ stations: [station.slug] })).map(
      (mount) =>
        new FallbackSource(
          { ...mount, name: station.name },
          () => fallbackAudio(dir, mount, source),
          {
            info: (m) => this.#logger.info(`[${station.slug}] ${m}`),
            warn: (m) => this.#logger.warn(`[${station.slug}] ${m}`),
            error: (m) => this.#logger.error(`[${station.slug}] ${m}`),
          }
        )
    )
  }

  /** Supervision as events; a Liquidsoap that answers again gets a monitor tick at once (the resume). */
  #report(station: Station, supervisor: LiquidsoapSupervisor) {
    let exit: Record<string, unknown> = {}
    supervisor.on('exit', (info) => (exit = info))
    supervisor.on('restarting', (delay: number) =>
      events.emit('streamer_crashed', station.slug, { ...exit, restart_in_ms: delay })
    )
    supervisor.on('ready', ({ pid, startupMs }: { pid: number; startupMs: number }) => {
      events.emit(supervisor.restarts ? 'streamer_restarted' : 'streamer_started', station.slug, {
        pid,
        restarts: supervisor.restarts,
        startup_ms: startupMs,
      })
      this.#wakeLoops()
    })
    supervisor.on('adopted', (pid: number) =>
      events.emit('streamer_started', station.slug, { pid, restarts: 0, adopted: true })
    )
  }

  #wakeLoops() {
    for (const wake of this.#wake.splice(0)) wake()
  }

  async #loop(monitor: StationMonitor) {
    while (!this.#stopped) {
      const started = Date.now()
      try {
        await monitor.tick()
      } catch (error) {
        this.#logger.error(
          `[${monitor.station.slug}] monitor tick failed: ${(error as Error).message}`
        )
      }
      const wait = Math.max(0, this.options.delay - (Date.now() - started))
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          this.#wake = this.#wake.filter((w) => w !== wake)
          resolve()
        }
        const timer = setTimeout(wake, wait)
        this.#wake.push(wake)
      })
    }
  }

  /** Stops the monitors, then Liquidsoap: nothing is left running. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#wakeLoops()
    await Promise.all(this.#loops)
    // Outputs off and leases given up first: a standby takes over while this one stops.
    await Promise.all(this.runtimes.map((runtime) => runtime.leadership?.stop()))
    await Promise.all(
      this.runtimes.map(async ({ supervisor, client, fallbacks }) => {
        await client.close()
        await supervisor?.stop()
        // Last: listeners are dropped only once the station has really stopped.
        await Promise.all(fallbacks.map((fallback) => fallback.stop()))
      })
    )
  }
}
