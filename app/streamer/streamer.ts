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
import { LiquidsoapSupervisor, type SupervisorLogger } from '#streamer/liquidsoap_supervisor'
import { events } from '#events/event_outbox'
import { LogJournal } from '#streamer/log_journal'
import { StationMonitor } from '#streamer/station_monitor'
import { activeOutputs, stationPaths, writeStationConfig, type ConfigResult } from '#streamer/station_config'

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
  monitor: StationMonitor | null
  client: LiquidsoapClient
}

export class Streamer {
  readonly options: StreamerOptions
  readonly #logger: SupervisorLogger
  readonly runtimes: StationRuntime[] = []
  #stopped = false
  #wake: Array<() => void> = []
  #loops: Promise<void>[] = []

  constructor(options: StreamerOptions, logger: SupervisorLogger) {
    this.options = options
    this.#logger = logger
  }

  /** The stations to stream: named ones, or every active one; each needs an active output. */
  static async stations(slugs?: string[]): Promise<Station[]> {
    const rows = await findStations(slugs)
    const stations = await Station.query().whereIn('id', rows.map((row) => row.id)).orderBy('id')
    for (const station of stations) await activeOutputs(station)
    return stations
  }

  /** Renders and checks the script and playlists of each station. */
  async configure(stations: Station[]): Promise<ConfigResult[]> {
    const results: ConfigResult[] = []
    for (const station of stations) {
      const result = await writeStationConfig(station)
      if (result.scriptChanged) events.emit('config_reloaded', station.slug, { script: result.script })
      results.push(result)
    }
    return results
  }

  /** Starts Liquidsoap and the monitors as the options say; resolves once they are up. */
  async start(stations: Station[]): Promise<void> {
    for (const station of stations) {
      const paths = stationPaths(station)
      if (this.options.run && !existsSync(paths.script)) {
        throw new StreamerConfigException(`station "${station.slug}" has no script at ${paths.script}: run with --config first`)
      }
      const client = new LiquidsoapClient({ path: paths.socket }, { timeout: 2000 })
      const supervisor = this.options.run ? new LiquidsoapSupervisor(station, paths, this.#logger) : null
      const monitor = this.options.monitor
        ? new StationMonitor(station, client, new LogJournal(paths.journal, this.#logger), this.#logger, {
            cancelTimeout: this.options.timeout,
          })
        : null
      if (supervisor) {
        let exit: Record<string, unknown> = {}
        supervisor.on('exit', (info) => (exit = info))
        supervisor.on('restarting', (delay: number) => events.emit('streamer_crashed', station.slug, { ...exit, restart_in_ms: delay }))
        supervisor.on('ready', (pid: number) =>
          events.emit(supervisor.restarts ? 'streamer_restarted' : 'streamer_started', station.slug, { pid, restarts: supervisor.restarts })
        )
      }
      this.runtimes.push({ station, supervisor, monitor, client })
    }
    await Promise.all(
      this.runtimes.map(async ({ station, supervisor }) => {
        if (!supervisor) return
        await supervisor.start()
        this.#logger.info(`[${station.slug}] Liquidsoap running (pid ${supervisor.pid}), socket ${supervisor.paths.socket}`)
      })
    )
    for (const runtime of this.runtimes) {
      if (runtime.monitor) this.#loops.push(this.#loop(runtime.monitor))
    }
  }

  async #loop(monitor: StationMonitor) {
    while (!this.#stopped) {
      const started = Date.now()
      try {
        await monitor.tick()
      } catch (error) {
        this.#logger.error(`[${monitor.station.slug}] monitor tick failed: ${(error as Error).message}`)
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
    for (const wake of this.#wake.splice(0)) wake()
    await Promise.all(this.#loops)
    await Promise.all(
      this.runtimes.map(async ({ supervisor, client }) => {
        await client.close()
        await supervisor?.stop()
      })
    )
  }
}
