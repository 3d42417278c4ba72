/*
| `--run`: one Liquidsoap per station, kept on air.
|
| Liquidsoap runs in a session of its own and writes its own log, so that it
| does not depend on the streamer that started it: a streamer killed or
| restarted leaves it playing, and the next streamer adopts it (reconnects
| to its socket) when it runs the current script and answers; it replaces
| it only when it is unhealthy or runs another script. Any exit of
| Liquidsoap is a failure (2.1 exits 0 on fatal start-up errors) and is
| followed by a restart at once (see restart_policy.ts), the playlists
| rewritten from the database first. Critical lines of its log reach the
| operator, once a minute each.
*/
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { readFile, rm, writeFile } from 'node:fs/promises'
import antenneConfig from '#config/antenne'
import { within } from '#services/time_limit'
import { LogTail } from '#streamer/log_tail'
import { StationControl } from '#streamer/station_control'
import {
  afterExit,
  DEFAULT_RESTART_POLICY,
  restartDelay,
  type RestartPolicy,
  type RestartState,
} from '#streamer/restart_policy'
import { clearStaleLiquidsoap, isAlive, processName, terminate } from '#streamer/zombies'
import type { StationPaths } from '#streamer/station_config'
import type { Logger } from '#types/logger'

export interface SupervisedStation {
  slug: string
  timezone: string
  harborPort: number | null
}

export interface SupervisorOptions {
  policy?: RestartPolicy
  /** Before every start: the playlists rewritten from the database (given at most 2 s). */
  beforeStart?: () => Promise<unknown>
  /** Ms the script holds its rotation at start-up, for the monitor to queue a resume first. */
  holdMs?: number
}

/** What the supervisor records of the Liquidsoap it started, for the next streamer to adopt it. */
interface RunRecord {
  pid: number
  /** sha256 of the script it runs. */
  script: string
  started: number
}

const BEFORE_START_MS = 2000

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Events: `ready` ({ pid, startupMs }), `adopted` (pid), `exit` ({ code,
 * signal, uptime }), `restarting` (delay ms), `never_ready` (delay ms).
 */
export class LiquidsoapSupervisor extends EventEmitter {
  readonly station: SupervisedStation
  readonly paths: StationPaths
  readonly #policy: RestartPolicy
  readonly #logger: Logger
  readonly #options: SupervisorOptions
  #child: ChildProcess | null = null
  /** The Liquidsoap on air: our child, or one adopted from an earlier streamer. */
  #pid: number | null = null
  #watch: NodeJS.Timeout | null = null
  #tail: LogTail
  #tailTimer: NodeJS.Timeout | null = null
  #stopping = false
  #state: RestartState = { attempt: 0, proven: false }
  #provenScript: string | null = null
  #script = ''
  #restartTimer: NodeJS.Timeout | null = null
  #startedAt = 0
  #reported = new Map<string, number>()
  restarts = 0
  /** Whether the Liquidsoap on air was adopted rather than started. */
  adopted = false
  /** Spawn to first answer on the socket, for the last start (ms). */
  lastStartupMs: number | null = null

  constructor(
    station: SupervisedStation,
    paths: StationPaths,
    logger: Logger,
    options: SupervisorOptions = {}
  ) {
    super()
    this.station = station
    this.paths = paths
    this.#logger = logger
    this.#options = options
    this.#policy = options.policy ?? DEFAULT_RESTART_POLICY
    this.#tail = new LogTail(paths.log)
  }

  get pid(): number | null {
    return this.#pid
  }

  get running(): boolean {
    if (this.#child) return this.#child.exitCode === null && this.#child.signalCode === null
    return this.#pid !== null && isAlive(this.#pid)
  }

  get #runPath() {
    return `${this.paths.dir}/liquidsoap.run.json`
  }

  /** Adopts the station's Liquidsoap if a healthy one runs the current script, else starts one; resolves once it answers. */
  async start(): Promise<void> {
    this.#stopping = false
    await this.#tail.begin()
    this.#tailTimer ??= setInterval(() => void this.#forwardLog(), 1000).unref()
    if (await this.#adopt()) return
    await this.#freshStart()
  }

  async #freshStart() {
    await this.#beforeStart()
    await this.#clearTheWay()
    await this.#spawn()
    await this.waitReady()
  }

  /** Adoption: the recorded Liquidsoap is alive, runs this script and answers `station.status`. */
  async #adopt(): Promise<boolean> {
    let record: RunRecord
    try {
      record = JSON.parse(await readFile(this.#runPath, 'utf8'))
    } catch {
      return false
    }
    if (
      !Number.isInteger(record.pid) ||
      !isAlive(record.pid) ||
      (await processName(record.pid)) !== 'liquidsoap'
    )
      return false
    const script = sha256(await readFile(this.paths.script).catch(() => ''))
    const slug = this.station.slug
    if (record.script !== script) {
      this.#logger.warn(
        `[${slug}] the running Liquidsoap (pid ${record.pid}) has another script: replacing it`
      )
      return false
    }
    const control = StationControl.at(
      { path: this.paths.socket },
      { timeout: 1500, connectTimeout: 500 }
    )
    try {
      await control.status()
    } catch (error) {
      this.#logger.warn(
        `[${slug}] the running Liquidsoap (pid ${record.pid}) does not answer (${(error as Error).message}): replacing it`
      )
      return false
    } finally {
      await control.close()
    }
    this.#pid = record.pid
    this.#script = script
    this.#provenScript = script
    this.#state = { attempt: 0, proven: true }
    this.#startedAt = record.started
    this.adopted = true
    this.#watchAdopted(record.pid)
    this.#logger.info(
      `[${slug}] adopted the running Liquidsoap (pid ${record.pid}): no interruption`
    )
    this.emit('adopted', record.pid)
    return true
  }

  /** An adopted process is not our child: its end is seen by polling. */
  #watchAdopted(pid: number) {
    this.#watch = setInterval(() => {
      if (isAlive(pid)) return
      clearInterval(this.#watch!)
      this.#watch = null
      if (this.#pid === pid) this.#onExit(null, null)
    }, 100)
  }

  async #beforeStart() {
    if (!this.#options.beforeStart) return
    try {
      await within(BEFORE_START_MS, this.#options.beforeStart())
    } catch (error) {
      this.#logger.warn(
        `[${this.station.slug}] playlists not rewritten before the start (${(error as Error).message}): starting with those on disk`
      )
    }
  }

  /** Aircox's zombie check: no older Liquidsoap may hold the socket or the harbor port. */
  async #clearTheWay() {
    const killed = await clearStaleLiquidsoap(this.station.slug, {
      socketPath: this.paths.socket,
      pidFile: this.paths.pid,
      harborPort: this.station.harborPort,
    })
    for (const pid of killed)
      this.#logger.warn(
        `[${this.station.slug}] stopped a stale Liquidsoap (pid ${pid}) holding the station's socket or port`
      )
  }

  async #spawn() {
    this.#script = sha256(await readFile(this.paths.script).catch(() => ''))
    if (this.#script !== this.#provenScript)
      this.#state = { attempt: this.#state.proven ? 0 : this.#state.attempt, proven: false }
    const child = spawn(antenneConfig.streamer.liquidsoap, [this.paths.script], {
      cwd: this.paths.dir,
      // Liquidsoap's time predicates ({8h-20h}) and its on_air strings use the process zone.
      env: {
        ...process.env,
        TZ: this.station.timezone,
        ANTENNE_HOLD_MS: String(this.#options.holdMs ?? 0),
      },
      // Its own session and no pipes: it outlives this process (see above).
      stdio: 'ignore',
      detached: true,
    })
    this.#child = child
    this.#pid = child.pid ?? null
    this.adopted = false
    this.#startedAt = Date.now()
    child.on('error', (error) => {
      this.#logger.error(
        `[${this.station.slug}] cannot start Liquidsoap (${antenneConfig.streamer.liquidsoap}): ${error.message}`
      )
    })
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#onExit(code, signal)
    })
    if (child.pid) {
      const record: RunRecord = { pid: child.pid, script: this.#script, started: this.#startedAt }
      // A full disk loses only the chance to adopt this process later.
      await Promise.all([
        writeFile(this.paths.pid, `${child.pid}\n`, { mode: 0o640 }),
        writeFile(this.#runPath, JSON.stringify(record) + '\n', { mode: 0o640 }),
      ]).catch((error) =>
        this.#logger.warn(
          `[${this.station.slug}] cannot record Liquidsoap's pid (${error.message}): it plays, but a restarted streamer will replace it`
        )
      )
    }
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null) {
    this.#child = null
    this.#pid = null
    const uptime = Date.now() - this.#startedAt
    this.emit('exit', { code, signal, uptime })
    if (this.#stopping) return
    this.#state = afterExit(this.#state, uptime, this.#policy)
    const delay = restartDelay(this.#state, this.#policy)
    this.#state = { ...this.#state, attempt: this.#state.attempt + 1 }
    const how = signal ? `signal ${signal}` : code === null ? 'it is gone' : `code ${code}`
    if (this.#state.proven) {
      this.#logger.error(
        `[${this.station.slug}] Liquidsoap exited (${how}) after ${(uptime / 1000).toFixed(1)} s; restarting in ${delay} ms (see ${this.paths.log})`
      )
    } else {
      this.#logger.error(
        `[${this.station.slug}] Liquidsoap never came up with this script (${how}); retrying in ${(delay / 1000).toFixed(0)} s (see ${this.paths.log})`
      )
      this.emit('never_ready', delay)
    }
    this.emit('restarting', delay)
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null
      if (this.#stopping) return
      this.restarts++
      this.#freshStart().catch(async (error) => {
        this.#logger.error(`[${this.station.slug}] restart failed: ${error.message}`)
        // Running but not answering: replace it (its exit schedules the next try).
        if (this.running && this.#child) await terminate(this.#child.pid!, 2000)
      })
    }, delay)
  }

  /** Resolves when the socket answers `version`; rejects when Liquidsoap exits first or after `ms`. */
  async waitReady(ms = 20_000): Promise<void> {
    const until = Date.now() + ms
    const spawnedAt = this.#startedAt
    const control = StationControl.at(
      { path: this.paths.socket },
      { timeout: 1000, connectTimeout: 500 }
    )
    try {
      while (Date.now() < until) {
        if (!this.running) {
          throw new Error(
            `Liquidsoap for "${this.station.slug}" exited during start-up; see ${this.paths.log}`
          )
        }
        try {
          await control.version()
          this.lastStartupMs = Date.now() - spawnedAt
          this.#state = { ...this.#state, proven: true }
          this.#provenScript = this.#script
          this.emit('ready', { pid: this.pid, startupMs: this.lastStartupMs })
          return
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
      throw new Error(
        `Liquidsoap for "${this.station.slug}" did not answer on ${this.paths.socket} within ${ms / 1000} s`
      )
    } finally {
      await control.close()
    }
  }

  /** Liquidsoap's levels 1 and 2 are critical and severe: the operator sees them, once a minute each. */
  async #forwardLog() {
    for (const line of await this.#tail.read()) {
      if (!/\[[\w.:-]+:[12]\]/.test(line) || /End_of_file/.test(line)) continue
      const message = line.replace(/^\S+ \S+ /, '').trim()
      const last = this.#reported.get(message) ?? 0
      if (Date.now() - last < 60_000) continue
      this.#reported.set(message, Date.now())
      this.#logger.warn(`[${this.station.slug}] liquidsoap: ${message}`)
    }
  }

  /** Whether the Liquidsoap on air answered since it started (or was adopted). */
  get ready(): boolean {
    return this.#state.proven && this.#script === this.#provenScript
  }

  /** A new Liquidsoap with the script on disk (a standby's, whose script changed). */
  async restart(): Promise<void> {
    await this.stop()
    await this.start()
  }

  /** Stops Liquidsoap (SIGTERM, then SIGKILL) and does not restart it. */
  async stop(): Promise<void> {
    this.#stopping = true
    if (this.#restartTimer) clearTimeout(this.#restartTimer)
    if (this.#watch) clearInterval(this.#watch)
    if (this.#tailTimer) clearInterval(this.#tailTimer)
    this.#restartTimer = this.#watch = this.#tailTimer = null
    const child = this.#child
    const pid = this.#pid
    if (pid) {
      const exited = child
        ? new Promise((resolve) => child.once('exit', resolve))
        : Promise.resolve()
      await terminate(pid, 5000)
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))])
    }
    this.#child = null
    this.#pid = null
    await Promise.all([
      rm(this.paths.pid, { force: true }),
      rm(this.#runPath, { force: true }),
    ]).catch(() => {})
  }
}
