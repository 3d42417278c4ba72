/*
| A station on air for the integration and browser tests: its Icecast
| (bin/icecast on a port of the test's own), its Liquidsoap (a streamer that
| configures and runs it) and a monitor ticking in the background, as the
| streamer's loop does. One `stop()` ends all of them.
*/
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import type Station from '#models/station'
import { Streamer } from '#streamer/streamer'
import { StationMonitor } from '#streamer/station_monitor'
import { LiquidsoapClient } from '#streamer/telnet'
import { LogJournal } from '#streamer/log_journal'
import { stationPaths, writeStationConfig } from '#streamer/station_config'
import type { Logger } from '#types/logger'

const run = promisify(execFile)

export function startIcecast(port: number, password: string) {
  return run('bash', [app.makePath('bin/icecast'), String(port), password])
}

export function stopIcecast(port: number) {
  return run('bash', [app.makePath('bin/icecast'), 'stop', String(port)])
}

/** Polls `probe` every 100 ms until it gives a value; a timeout says what was awaited and `context()`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 60_000,
  context: () => string = () => ''
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${context()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Whether Icecast lists every one of these mounts as on air. */
export async function mountsOnAir(port: number, mounts: string[]): Promise<boolean> {
  const status = await fetch(`http://127.0.0.1:${port}/status-json.xsl`).then((r) => r.text())
  return mounts.every((mount) => status.includes(`${mount}"`))
}

export interface OnAirStack {
  streamer: Streamer
  monitor: StationMonitor
  stop(): Promise<void>
}

/**
 * The station's script written and run, and a monitor ticking every 200 ms
 * (`onTick` after each tick). The Icecast on `icecastPort` is stopped with it,
 * or at once if Liquidsoap does not start.
 */
export async function startOnAir(
  station: Station,
  icecastPort: number,
  logger: Logger,
  onTick: (monitor: StationMonitor) => void = () => {}
): Promise<OnAirStack> {
  await writeStationConfig(station)
  const streamer = new Streamer(
    { config: true, run: true, monitor: false, delay: 200, timeout: 20 },
    logger
  )
  try {
    await streamer.start([station])
  } catch (error) {
    await streamer.stop()
    await stopIcecast(icecastPort)
    throw error
  }
  const paths = stationPaths(station)
  const monitor = new StationMonitor(
    station,
    new LiquidsoapClient({ path: paths.socket }),
    new LogJournal(paths.journal, logger),
    logger,
    { cancelTimeout: 20 }
  )
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      await monitor.tick().catch((error) => logger.error(`tick failed: ${error.message}`))
      onTick(monitor)
      await new Promise((r) => setTimeout(r, 200))
    }
  })()
  return {
    streamer,
    monitor,
    async stop() {
      stopped = true
      await loop
      await monitor.client.close()
      await streamer.stop()
      await stopIcecast(icecastPort)
    },
  }
}

/**
 * A source client at a harbor's /live, as a host runs one: ffmpeg sending an
 * mp3 in real time, logged in as `user` with `password`. `exited` gives its
 * exit code and what it said.
 */
export function liveSource(port: number, user: string, password: string, file: string) {
  const login = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`
  const child: ChildProcess = spawn(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-re', '-i', file, '-c:a', 'copy']
      .concat(['-content_type', 'audio/mpeg', '-f', 'mp3'])
      .concat([`icecast://${login}@127.0.0.1:${port}/live`]),
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let errors = ''
  child.stderr!.on('data', (chunk) => (errors += chunk))
  const exited = new Promise<{ code: number | null; errors: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, errors }))
  )
  return { child, exited }
}

/** One HTTP response held open, never reconnecting: what a player does. */
export class HeldListener {
  bytes = 0
  ended = false
  responses = 0
  #request: http.ClientRequest | null = null

  constructor(
    readonly host: string,
    readonly port: number,
    readonly mount: string,
    /** Each chunk as it comes (a bench decodes them to find the silences). */
    readonly onData: (chunk: Buffer) => void = () => {},
    readonly userAgent = 'AntenneTest/1'
  ) {}

  start() {
    this.#request = http.get(
      {
        host: this.host,
        port: this.port,
        path: this.mount,
        headers: { 'user-agent': this.userAgent },
      },
      (response) => {
        this.responses++
        response.on('data', (chunk: Buffer) => {
          this.bytes += chunk.length
          this.onData(chunk)
        })
        response.on('end', () => (this.ended = true))
        response.on('error', () => (this.ended = true))
      }
    )
    this.#request.on('error', () => (this.ended = true))
  }

  stop() {
    this.#request?.destroy()
  }
}
