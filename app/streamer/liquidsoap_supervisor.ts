/*
| `--run`: one Liquidsoap per station, kept alive. Liquidsoap 2.1 exits 0 on
| fatal start-up errors (port taken, socket folder missing), so any exit is a
| failure and is followed by a restart, with a backoff that starts under a
| second and is capped. Its output is appended to the station's log file.
*/
import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { writeFile, rm } from 'node:fs/promises'
import antenneConfig from '#config/antenne'
import { LiquidsoapClient } from '#streamer/telnet'
import { clearStaleLiquidsoap, terminate } from '#streamer/zombies'
import type { StationPaths } from '#streamer/station_config'

export interface BackoffPolicy {
  /** First delay, in ms. */
  first: number
  /** Longest delay, in ms. */
  max: number
  /** A run this long (ms) counts as healthy and resets the backoff. */
  healthyAfter: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { first: 500, max: 30_000, healthyAfter: 60_000 }

/** Delay before restart number `attempt` (0-based): doubling from `first`, capped. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.max, policy.first * 2 ** Math.max(0, attempt))
}

export interface SupervisedStation {
  slug: string
  timezone: string
  harborPort: number | null
}

export interface SupervisorLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/**
 * Events: `ready` (pid), `exit` ({ code, signal, uptime }), `restarting` (delay ms).
 */
export class LiquidsoapSupervisor extends EventEmitter {
  readonly station: SupervisedStation
  readonly paths: StationPaths
  readonly #policy: BackoffPolicy
  readonly #logger: SupervisorLogger
  #child: ChildProcess | null = null
  #logStream: WriteStream | null = null
  #stopping = false
  #attempt = 0
  #restartTimer: NodeJS.Timeout | null = null
  #startedAt = 0
  #reported = new Map<string, number>()
  restarts = 0

  constructor(station: SupervisedStation, paths: StationPaths, logger: SupervisorLogger, policy: BackoffPolicy = DEFAULT_BACKOFF) {
    super()
    this.station = station
    this.paths = paths
    this.#logger = logger
    this.#policy = policy
  }

  get pid(): number | null {
    return this.#child?.pid ?? null
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null
  }

  /** Starts Liquidsoap and resolves once it answers on its socket. */
  async start(): Promise<void> {
    this.#stopping = false
    await this.#clearTheWay()
    this.#spawn()
    await this.waitReady()
  }

  /** Aircox's zombie check: no older Liquidsoap may hold the socket or the harbor port. */
  async #clearTheWay() {
    const killed = await clearStaleLiquidsoap(this.station.slug, {
      socketPath: this.paths.socket,
      pidFile: this.paths.pid,
      harborPort: this.station.harborPort,
    })
    for (const pid of killed) this.#logger.warn(`[${this.station.slug}] stopped a stale Liquidsoap (pid ${pid}) holding the station's socket or port`)
  }

  #spawn() {
    this.#logStream ??= createWriteStream(this.paths.log, { flags: 'a' })
    const child = spawn(antenneConfig.streamer.liquidsoap, [this.paths.script], {
      cwd: this.paths.dir,
      // Liquidsoap's time predicates ({8h-20h}) and its on_air strings use the process zone.
      env: { ...process.env, TZ: this.station.timezone },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child = child
    this.#startedAt = Date.now()
    const log = this.#logStream
    const forward = (chunk: Buffer) => {
      log.write(chunk)
      // Liquidsoap's levels 1 and 2 are critical and severe: the operator should
      // see them, once a minute each (an unreachable Icecast repeats every 3 s).
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!/\[[\w.:-]+:[12]\]/.test(line) || /End_of_file/.test(line)) continue
        const message = line.replace(/^\S+ \S+ /, '').trim()
        const last = this.#reported.get(message) ?? 0
        if (Date.now() - last < 60_000) continue
        this.#reported.set(message, Date.now())
        this.#logger.warn(`[${this.station.slug}] liquidsoap: ${message}`)
      }
    }
    child.stdout?.on('data', forward)
    child.stderr?.on('data', forward)
    child.on('error', (error) => {
      this.#logger.error(`[${this.station.slug}] cannot start Liquidsoap (${antenneConfig.streamer.liquidsoap}): ${error.message}`)
    })
    child.on('exit', (code, signal) => this.#onExit(child, code, signal))
    if (child.pid) void writeFile(this.paths.pid, `${child.pid}\n`).catch(() => {})
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (this.#child !== child) return
    this.#child = null
    const uptime = Date.now() - this.#startedAt
    this.emit('exit', { code, signal, uptime })
    if (this.#stopping) return
    if (uptime >= this.#policy.healthyAfter) this.#attempt = 0
    const delay = backoffDelay(this.#attempt++, this.#policy)
    this.#logger.error(
      `[${this.station.slug}] Liquidsoap exited (${signal ? `signal ${signal}` : `code ${code}`}) after ${(uptime / 1000).toFixed(1)} s; restarting in ${delay} ms (see ${this.paths.log})`
    )
    this.emit('restarting', delay)
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null
      if (this.#stopping) return
      this.restarts++
      this.#clearTheWay()
        .then(() => {
          if (this.#stopping) return
          this.#spawn()
          return this.waitReady()
        })
        .catch((error) => this.#logger.error(`[${this.station.slug}] restart failed: ${error.message}`))
    }, delay)
  }

  /** Resolves when the socket answers `version`; rejects when Liquidsoap exits first or after `ms`. */
  async waitReady(ms = 20_000): Promise<void> {
    const until = Date.now() + ms
    const client = new LiquidsoapClient({ path: this.paths.socket }, { timeout: 1000, connectTimeout: 500 })
    try {
      while (Date.now() < until) {
        if (!this.running) {
          throw new Error(`Liquidsoap for "${this.station.slug}" exited during start-up; see ${this.paths.log}`)
        }
        try {
          await client.command('version')
          this.emit('ready', this.pid)
          return
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      throw new Error(`Liquidsoap for "${this.station.slug}" did not answer on ${this.paths.socket} within ${ms / 1000} s`)
    } finally {
      await client.close()
    }
  }

  /** Stops Liquidsoap (SIGTERM, then SIGKILL) and does not restart it. */
  async stop(): Promise<void> {
    this.#stopping = true
    if (this.#restartTimer) clearTimeout(this.#restartTimer)
    this.#restartTimer = null
    const child = this.#child
    if (child?.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      await terminate(child.pid, 5000)
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))])
    }
    this.#child = null
    await rm(this.paths.pid, { force: true })
    await new Promise<void>((resolve) => (this.#logStream ? this.#logStream.end(resolve) : resolve()))
    this.#logStream = null
  }
}
