import { test } from '@japa/runner'
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import app from '@adonisjs/core/services/app'
import Event from '#models/event'
import EventSink from '#models/event_sink'
import { outboxEnd } from '#events/event_deliverer'
import { EventSinkFactory } from '#database/factories/event_sink_factory'
import { within } from '#tests/helpers'

const run = promisify(execFile)

/*
| The real `node ace events:deliver`, with its resource watcher. The child
| process reads and writes the test database itself: nothing here runs in a
| transaction, and what the test made is deleted at its end.
*/

/** `node ace events:deliver` with `env` over the test's environment; its output in lines. */
function deliver(env: Record<string, string>) {
  const child = spawn(process.execPath, ['ace', 'events:deliver'], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiting: Array<{ pattern: RegExp; count: number; resolve: () => void }> = []
  let rest = ''
  const read = (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n')
    rest = parts.pop()!
    for (const raw of parts) lines.push(stripVTControlCharacters(raw))
    for (const waiter of [...waiting]) {
      if (lines.filter((l) => waiter.pattern.test(l)).length < waiter.count) continue
      waiting.splice(waiting.indexOf(waiter), 1)
      waiter.resolve()
    }
  }
  child.stdout.on('data', read)
  child.stderr.on('data', read)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return {
    lines,
    /** Resolves once `count` lines match. */
    lines$(pattern: RegExp, count: number, ms = 30_000) {
      const seen = new Promise<void>((resolve) => {
        if (lines.filter((l) => pattern.test(l)).length >= count) resolve()
        else waiting.push({ pattern, count, resolve })
      })
      return within(ms, `${count} line(s) ${pattern} (so far:\n${lines.join('\n')}\n)`, seen)
    },
    exited,
    kill: (signal: NodeJS.Signals) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  }
}

/** Resolves when `check` is true, polling a file another process writes. */
async function until(check: () => boolean, what: string, ms = 15_000) {
  await within(
    ms,
    what,
    (async () => {
      while (!check()) await new Promise((r) => setTimeout(r, 50))
    })()
  )
}

test.group('events:deliver watches the resources', () => {
  test('memory over a lowered threshold makes one memory_usage event, stored once and delivered to a log sink, however many samples; SIGTERM stops it within seconds', async ({
    assert,
    cleanup,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-watch-'))
    const file = join(dir, 'events.jsonl')
    const since = await outboxEnd()
    const sink = await EventSinkFactory.merge({
      url: `log://${file}`,
      minLevel: 'debug',
      only: 'event=memory_usage',
      cursor: since,
    }).create()
    cleanup(async () => {
      await EventSink.query().where('id', sink.id).delete()
      await Event.query().where('id', '>', since).delete()
    })

    const child = deliver({
      // Any machine uses more than 1 % of its memory.
      ANTENNE_WATCH_MEMORY_PERCENT: '1',
      ANTENNE_WATCH_INTERVAL: '0.2',
      ANTENNE_EVENTS_SPOOL: mkdtempSync(join(tmpdir(), 'antenne-watch-spool-')),
      LOG_LEVEL: 'debug',
    })
    cleanup(() => {
      if (child.running()) child.kill('SIGKILL')
    })

    await child.lines$(/watching memory, load and disks every 0\.2 s/, 1)
    await until(
      () => existsSync(file) && readFileSync(file, 'utf8').includes('memory_usage'),
      `memory_usage in ${file}`
    )
    // Many samples later, still one event.
    await child.lines$(/resources: sample \d+:/, 10)

    const stopping = Date.now()
    child.kill('SIGTERM')
    const code = await within(10_000, 'events:deliver to exit on SIGTERM', child.exited)
    assert.equal(code, 0, child.lines.join('\n'))
    assert.isBelow(Date.now() - stopping, 5000)
    assert.isTrue(child.lines.some((l) => /SIGTERM: stopping/.test(l)))

    const stored = await Event.query().where('id', '>', since).where('type', 'memory_usage')
    assert.lengthOf(stored, 1, 'one memory_usage event, not one per sample')
    const [event] = stored
    assert.isNull(event.station)
    assert.equal(event.level, 'warning')
    const payload = event.payload as Record<string, number>
    assert.isAbove(payload.total, 0)
    assert.isAbove(payload.available, 0)
    assert.closeTo(
      payload.used_percent,
      ((payload.total - payload.available) / payload.total) * 100,
      0.1
    )
    assert.isUndefined(payload.cleared)

    const delivered = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      delivered.map((e) => [e.type, e.id]),
      [['memory_usage', event.id]]
    )
  }).timeout(60_000)

  test('a data folder on a nearly full file system (a 1 MiB tmpfs) makes one disk_low naming it', async ({
    assert,
    cleanup,
  }) => {
    // Mounting needs root, as CI runs; a machine where it cannot is told so plainly.
    const archives = mkdtempSync(join(tmpdir(), 'antenne-watch-full-'))
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', archives])
    } catch (error) {
      throw new Error(`this test mounts a tmpfs and needs root: ${(error as Error).message}`)
    }
    cleanup(async () => {
      await run('umount', [archives])
      rmSync(archives, { recursive: true, force: true })
    })
    // 960 KiB of 1 MiB: about 6 % free, under the default 10 %.
    writeFileSync(join(archives, 'fill'), Buffer.alloc(960 * 1024))
    const since = await outboxEnd()
    cleanup(async () => {
      await Event.query().where('id', '>', since).delete()
    })

    const child = deliver({
      ANTENNE_ARCHIVES_DIR: archives,
      ANTENNE_WATCH_INTERVAL: '0.2',
      ANTENNE_EVENTS_SPOOL: mkdtempSync(join(tmpdir(), 'antenne-watch-spool-')),
      LOG_LEVEL: 'debug',
    })
    cleanup(() => {
      if (child.running()) child.kill('SIGKILL')
    })
    await child.lines$(/resources: sample \d+:/, 5)
    child.kill('SIGTERM')
    assert.equal(await within(10_000, 'events:deliver to exit', child.exited), 0)

    const low = (await Event.query().where('id', '>', since).where('type', 'disk_low')).filter(
      (e) => (e.payload.folders as Array<{ path: string }>).some((f) => f.path === archives)
    )
    assert.lengthOf(low, 1, child.lines.join('\n'))
    const payload = low[0].payload as Record<string, any>
    assert.equal(low[0].level, 'error')
    assert.deepEqual(payload.folders, [{ name: 'archives', path: archives }])
    assert.equal(payload.total, 1024 * 1024)
    assert.isBelow(payload.free_percent, 10)
    assert.equal(payload.threshold_percent, 10)
  }).timeout(60_000)
})
