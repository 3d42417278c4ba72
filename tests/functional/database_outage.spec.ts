import { test } from '@japa/runner'
import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, utimes } from 'node:fs/promises'
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import env from '#start/env'
import EventSink from '#models/event_sink'
import Output from '#models/output'
import Program from '#models/program'
import Station from '#models/station'
import { EventOutbox } from '#events/event_outbox'
import { within } from '#tests/helpers'

/*
| The processes that work the database in passes (the deliverer, the
| listener statistics, the library watcher), each run for real with
| `node ace`, through a database outage. The database that goes away is
| MariaDB behind a link the test cuts, on the SQLite run too: SQLite is a
| file of the process and does not go away.
*/

const run = promisify(execFile)
const MARIADB = {
  host: env.get('MYSQL_HOST', '127.0.0.1'),
  port: env.get('MYSQL_PORT', 3306),
  user: env.get('MYSQL_USER', 'root'),
  password: env.get('MYSQL_PASSWORD', ''),
  database: env.get('MYSQL_DB_NAME', 'antenne_test'),
}
const MARIADB_CONNECTION = 'outage_mariadb'
let serial = 0

/**
 * A TCP link to MariaDB. Cut, it first refuses connections (a stopped
 * server), then accepts and drops each one (a server going down, a proxy
 * with no backend), counting them: each is a pass of the process asking.
 */
class DatabaseLink {
  port = 0
  #server: Server | null = null
  #sockets = new Set<Socket>()
  #mode: 'forward' | 'drop' = 'forward'
  #dropped = 0
  #onDrop: (() => void) | null = null

  async open() {
    await this.#listen(0)
  }

  /** Drops every connection and refuses new ones for `refuseMs`, then drops each as it comes until `drops` came. */
  async cut(refuseMs: number, drops: number) {
    await this.#close()
    await new Promise((resolve) => setTimeout(resolve, refuseMs))
    this.#mode = 'drop'
    this.#dropped = 0
    const enough = new Promise<void>(
      (resolve) => (this.#onDrop = () => this.#dropped >= drops && resolve())
    )
    await this.#listen(this.port)
    await enough
    return this.#dropped
  }

  async restore() {
    await this.#close()
    this.#mode = 'forward'
    await this.#listen(this.port)
  }

  close() {
    return this.#close()
  }

  async #listen(port: number) {
    this.#server = createServer((client) => {
      if (this.#mode === 'drop') {
        this.#dropped++
        client.destroy()
        this.#onDrop?.()
        return
      }
      const upstream = connect(MARIADB.port, MARIADB.host)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('error', () => {})
        socket.on('close', () => {
          this.#sockets.delete(socket)
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve))
    this.port = (this.#server.address() as { port: number }).port
  }

  async #close() {
    const server = this.#server
    this.#server = null
    if (!server) return
    for (const socket of this.#sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** `node ace <args>` on MariaDB through `link`, its output in lines. */
/** Resource thresholds no machine reaches: events:deliver's watcher stays quiet. */
const QUIET_WATCH = {
  ANTENNE_WATCH_LOAD_PER_CORE: '1000',
  ANTENNE_WATCH_MEMORY_PERCENT: '100',
  ANTENNE_WATCH_DISK_FREE_PERCENT: '0',
}

function ace(args: string[], link: DatabaseLink, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['ace', ...args], {
    cwd: app.makePath(),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DB_CONNECTION: 'mysql',
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: String(link.port),
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void }> = []
  let rest = ''
  const read = (chunk: Buffer) => {
    const text = rest + chunk.toString()
    const parts = text.split('\n')
    rest = parts.pop()!
    for (const raw of parts) {
      // Without colours: ace's "[ warn ]" and pino's "WARN" as they read.
      const line = stripVTControlCharacters(raw)
      lines.push(line)
      for (const waiter of [...waiting]) {
        if (!waiter.pattern.test(line)) continue
        waiting.splice(waiting.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  }
  child.stdout.on('data', read)
  child.stderr.on('data', read)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code))
  )
  return {
    lines,
    line(pattern: RegExp, ms = 30_000) {
      const known = lines.find((l) => pattern.test(l))
      const found =
        known !== undefined
          ? Promise.resolve(known)
          : new Promise<string>((resolve) => waiting.push({ pattern, resolve }))
      return within(
        ms,
        `a line ${pattern} from node ace ${args[0]} (so far:\n${lines.join('\n')}\n)`,
        found
      )
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

type Ace = ReturnType<typeof ace>

/** What an operator reads of the outage: warnings, "back" lines, errors and stack traces. */
function report(lines: string[]) {
  return {
    warnings: lines.filter((l) => /\[ warn \]|\bWARN\b/.test(l)),
    back: lines.filter((l) => /database back/.test(l)),
    errors: lines.filter((l) => /\[ error \]|\bERROR\b/.test(l)),
    stack: lines.filter((l) => /^\s+at /.test(l)),
  }
}

test.group('Database outages: one line when the database goes, one when it is back', (group) => {
  let link: DatabaseLink
  let maria: QueryClientContract
  let station: Station
  let processes: Ace[] = []

  group.setup(async () => {
    // The SQLite run has not migrated the MariaDB test database.
    if (db.primaryConnectionName !== 'mysql') {
      await run(process.execPath, ['ace', 'migration:run', '--force'], {
        cwd: app.makePath(),
        env: { ...process.env, NODE_ENV: 'test', DB_CONNECTION: 'mysql' },
      })
    }
    db.manager.add(MARIADB_CONNECTION, {
      client: 'mysql2',
      connection: { ...MARIADB, timezone: 'Z', dateStrings: ['DATE'], charset: 'utf8mb4' },
      pool: { min: 0, max: 2 },
    })
    maria = db.connection(MARIADB_CONNECTION)
    return () => db.manager.close(MARIADB_CONNECTION)
  })
  group.each.setup(async () => {
    link = new DatabaseLink()
    await link.open()
    // Committed: the process under test reads it. Deleted after (the rest cascades).
    station = await Station.create(
      {
        name: 'Outage Radio',
        slug: `outage-${process.pid}-${++serial}`,
        timezone: 'Europe/Brussels',
        isDefault: false,
        active: true,
      },
      { connection: MARIADB_CONNECTION }
    )
    return async () => {
      for (const child of processes.splice(0)) await child.stop()
      await link.close()
      await maria.from('events').where('station', station.slug).delete()
      await station.delete()
    }
  })

  test('node ace events:deliver: one warning, no stack trace, then one line with how long and the events delivered', async ({
    assert,
  }) => {
    const dir = await mkdtemp(join(tmpdir(), 'antenne-outage-'))
    const file = join(dir, 'sink.jsonl')
    const end = Number((await maria.from('events').max('id as id').first())?.id ?? 0)
    const sink = await EventSink.create(
      {
        name: `outage-${process.pid}-${serial}`,
        url: `log://${file}`,
        minLevel: 'debug',
        timeoutMs: 2000,
        maxAttempts: 50,
        batchSize: 100,
        active: true,
        fromFile: false,
        cursor: end,
        attempts: 0,
      },
      { connection: MARIADB_CONNECTION }
    )
    try {
      // The machine's own alarms (a loaded CI runner) are not this test's warnings.
      const deliverer = ace(['events:deliver', '--interval', '100'], link, QUIET_WATCH)
      processes.push(deliverer)
      await deliverer.line(/delivering events every 100 ms/)

      const outage = link.cut(1000, 10)
      // The streamer goes on emitting meanwhile: its own database link is fine.
      const box = new EventOutbox(dir, () => maria)
      for (const type of ['track_on_air', 'track_on_air', 'diffusion_started'] as const)
        box.emit(type, station.slug)
      await box.flush()
      const asked = await outage
      await link.restore()
      const back = await deliverer.line(/database back/)
      assert.equal(await deliverer.stop(), 0)

      const seen = report(deliverer.lines)
      assert.isAtLeast(asked, 10)
      assert.lengthOf(seen.warnings, 1, seen.warnings.join('\n'))
      assert.match(
        seen.warnings[0],
        /events: database unavailable \(.+\); trying again quietly until it is back/
      )
      assert.lengthOf(seen.back, 1)
      assert.match(
        back,
        /events: database back after \d+\.\d s; 3 event\(s\) delivered by the first pass/,
        deliverer.lines.join('\n')
      )
      assert.isEmpty(seen.errors, seen.errors.join('\n'))
      assert.isEmpty(seen.stack, seen.stack.join('\n'))
      const delivered = (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type)
      assert.deepEqual(delivered, ['track_on_air', 'track_on_air', 'diffusion_started'])
    } finally {
      await sink.delete()
    }
  })

  test('node ace listeners --monitor: one warning, no stack trace, then one line with how long and the samples written', async ({
    assert,
  }) => {
    // An Icecast with one listener on the station's mount.
    const icecast: HttpServer = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          icestats: {
            source: { listenurl: 'http://127.0.0.1/outage.mp3', listeners: 1, listener_peak: 1 },
          },
        })
      )
    })
    await new Promise<void>((resolve) => icecast.listen(0, '127.0.0.1', resolve))
    try {
      const port = (icecast.address() as { port: number }).port
      await Output.create(
        {
          stationId: station.id,
          type: 'icecast',
          host: '127.0.0.1',
          port,
          mount: '/outage.mp3',
          password: 'x',
          format: 'mp3',
          bitrate: 128,
          active: true,
        },
        { connection: MARIADB_CONNECTION }
      )
      const listeners = ace(['listeners', '--monitor', '--interval', '1'], link)
      processes.push(listeners)
      await listeners.line(/polling Icecast every 1 s/)

      const asked = await link.cut(1000, 3)
      await link.restore()
      const back = await listeners.line(/database back/)
      assert.equal(await listeners.stop(), 0)

      const seen = report(listeners.lines)
      assert.isAtLeast(asked, 3)
      assert.lengthOf(seen.warnings, 1, seen.warnings.join('\n'))
      assert.match(seen.warnings[0], /listeners: database unavailable/)
      assert.lengthOf(seen.back, 1)
      assert.match(
        back,
        /listeners: database back after \d+\.\d s; 1 sample\(s\), 0 session\(s\) opened and 0 closed by the first poll/
      )
      assert.isEmpty(seen.errors, seen.errors.join('\n'))
      assert.isEmpty(seen.stack, seen.stack.join('\n'))
      const samples = await maria
        .from('listener_samples')
        .where('station_id', station.id)
        .count('* as n')
        .first()
      assert.isAtLeast(Number(samples.n), 1)
    } finally {
      await new Promise((resolve) => icecast.close(resolve))
    }
  })

  test('node ace sounds --monitor: a file added during the outage is one warning, then one line when the database is back, and the file is in', async ({
    assert,
  }) => {
    const programsDir = await mkdtemp(join(tmpdir(), 'antenne-outage-programs-'))
    const program = await Program.create(
      {
        stationId: station.id,
        title: 'Outage Show',
        slug: `outage-show-${process.pid}-${serial}`,
        active: true,
      },
      { connection: MARIADB_CONNECTION }
    )
    // The program's folder inside the watcher's programs folder (<station slug>/<program slug>).
    const folder = join(programsDir, program.path!)
    await mkdir(join(folder, 'archives'), { recursive: true })
    const watcher = ace(['sounds', '--monitor'], link, { ANTENNE_PROGRAMS_DIR: programsDir })
    processes.push(watcher)
    await watcher.line(/watching /)

    const outage = link.cut(1000, 3)
    // Written elsewhere, then moved in whole and settled: an upload that finished while the database was away.
    const made = join(programsDir, 'made.mp3')
    await run('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=1',
      '-b:a',
      '64k',
      made,
    ])
    const past = new Date(Date.now() - 60_000)
    await utimes(made, past, past)
    await run('mv', [made, join(folder, 'archives', 'interview.mp3')])
    const asked = await outage
    await link.restore()
    const back = await watcher.line(/database back/)
    assert.equal(await watcher.stop(), 0)

    const seen = report(watcher.lines)
    assert.isAtLeast(asked, 3)
    assert.lengthOf(seen.warnings, 1, seen.warnings.join('\n'))
    assert.match(seen.warnings[0], /library: database unavailable/)
    assert.lengthOf(seen.back, 1)
    assert.match(
      back,
      /library: database back after \d+\.\d s; 1 change\(s\) written by the first pass/
    )
    assert.isEmpty(seen.errors, seen.errors.join('\n'))
    assert.isEmpty(seen.stack, seen.stack.join('\n'))
    const sounds = await maria.from('sounds').where('program_id', program.id).select('path')
    assert.lengthOf(sounds, 1)
  })
})
