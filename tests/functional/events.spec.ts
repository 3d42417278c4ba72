import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { createServer, type Server } from 'node:http'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHmac } from 'node:crypto'
import amqp from 'amqplib'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Event from '#models/event'
import EventSink from '#models/event_sink'
import EventDelivery from '#models/event_delivery'
import { EventOutbox } from '#events/event_outbox'
import { EventDeliverer, outboxEnd } from '#events/event_deliverer'
import { loadSinksFile } from '#events/sinks_file'
import { EventSinkFactory } from '#database/factories/event_sink_factory'
import type { EventType } from '#events/event_types'

const AMQP = process.env.ANTENNE_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const quiet = { info: () => {}, warn: () => {}, error: () => {} }
let serial = 0
const run = promisify(execFile)

/** An outbox of the test's own (its own spool folder), written through the test's transaction. */
function outbox() {
  return new EventOutbox(mkdtempSync(join(tmpdir(), 'antenne-spool-')))
}

async function emitMany(box: EventOutbox, station: string, types: EventType[]) {
  for (const [i, type] of types.entries()) box.emit(type, station, { n: i })
  await box.flush()
}

async function sink(fields: Partial<EventSink> & { url: string }) {
  return EventSinkFactory.merge({
    minLevel: 'debug',
    timeoutMs: 2000,
    cursor: await outboxEnd(),
    ...fields,
  }).create()
}

/** A webhook receiver on a free port: it records bodies and their signatures, and can be told to fail. */
async function receiver(key: string) {
  const received: Array<{
    events: Array<{ id: number; type: string; payload: { n: number } }>
    valid: boolean
  }> = []
  const state = { failWith: 0 }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      if (state.failWith) {
        response.writeHead(state.failWith).end('not now')
        return
      }
      const valid =
        request.headers['x-signature'] === createHmac('sha256', key).update(body).digest('hex')
      received.push({ events: JSON.parse(body), valid })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { url: `http://127.0.0.1:${port}/hook`, received, state, server, port }
}

test.group('Events: the outbox', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an emitted event is written in the events table, with its level, station and payload', async ({
    assert,
  }) => {
    const box = outbox()
    const slug = `st-${++serial}`
    box.emit('dead_air', slug, { since: '2027-01-01T00:00:00Z' })
    await box.flush()
    const row = await Event.query().where('station', slug).firstOrFail()
    assert.equal(row.type, 'dead_air')
    // Silence on air is Flussonic's top level: every sink with a minimum level takes it.
    assert.equal(row.level, 'alert')
    assert.deepEqual(row.payload, { since: '2027-01-01T00:00:00Z' })
  })

  test('with the database unreachable, events wait in the spool, then are written in order', async ({
    assert,
  }) => {
    const spool = mkdtempSync(join(tmpdir(), 'antenne-spool-'))
    // A real connection to a port where no database listens.
    db.manager.add('unreachable', {
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: 1, user: 'x', password: 'x', database: 'x' },
      pool: { min: 0, max: 1, acquireTimeoutMillis: 2000 },
    })
    let reachable = false
    const box = new EventOutbox(spool, () =>
      reachable ? db.connection() : db.connection('unreachable')
    )
    const slug = `st-${++serial}`
    await emitMany(box, slug, ['streamer_crashed', 'streamer_restarted'])
    assert.isTrue(box.hasBacklog)
    assert.lengthOf(readFileSync(box.spoolPath, 'utf8').trim().split('\n'), 2)
    assert.lengthOf(await Event.query().where('station', slug), 0)
    reachable = true
    await emitMany(box, slug, ['streamer_started'])
    assert.isFalse(box.hasBacklog)
    assert.deepEqual(
      (await Event.query().where('station', slug).orderBy('id')).map((e) => e.type),
      ['streamer_crashed', 'streamer_restarted', 'streamer_started']
    )
    await db.manager.close('unreachable')
  })

  test('with the database unreachable and the spool on a full disk, events wait in memory, nothing throws, then are written in order', async ({
    assert,
  }) => {
    // A real full disk: a 1 MiB tmpfs of the test's own, filled (root, as CI runs).
    const spool = mkdtempSync(join(tmpdir(), 'antenne-full-spool-'))
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', spool])
    db.manager.add('unreachable', {
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: 1, user: 'x', password: 'x', database: 'x' },
      pool: { min: 0, max: 1, acquireTimeoutMillis: 2000 },
    })
    try {
      await writeFile(join(spool, 'fill'), Buffer.alloc(1024 * 1024)).catch(() => {})
      let reachable = false
      const box = new EventOutbox(spool, () =>
        reachable ? db.connection() : db.connection('unreachable')
      )
      const slug = `st-${++serial}`
      await emitMany(box, slug, ['streamer_crashed', 'streamer_restarted'])
      assert.isTrue(box.hasBacklog)
      assert.isFalse(existsSync(box.spoolPath) && readFileSync(box.spoolPath, 'utf8').length > 0)
      assert.lengthOf(await Event.query().where('station', slug), 0)
      reachable = true
      await emitMany(box, slug, ['streamer_started'])
      assert.isFalse(box.hasBacklog)
      assert.deepEqual(
        (await Event.query().where('station', slug).orderBy('id')).map((e) => e.type),
        ['streamer_crashed', 'streamer_restarted', 'streamer_started']
      )
    } finally {
      await db.manager.close('unreachable')
      await run('umount', [spool])
    }
  })

  test('an event the database refuses is set aside with the reason; the others are written and nothing is retried for ever', async ({
    assert,
  }) => {
    const spool = mkdtempSync(join(tmpdir(), 'antenne-spool-'))
    const slug = `st-${++serial}`
    // An orphan spool with a line the events table refuses (no level: NOT NULL).
    const good = (type: string, i: number) =>
      JSON.stringify({
        type,
        station: slug,
        level: 'info',
        at: `2027-01-01T00:00:0${i}.000Z`,
        payload: {},
      })
    const bad = JSON.stringify({
      type: 'output_down',
      station: slug,
      level: null,
      at: '2027-01-01T00:00:01.000Z',
      payload: {},
    })
    writeFileSync(
      join(spool, '999999998.jsonl'),
      [good('output_down', 0), bad, good('output_up', 2)].join('\n') + '\n'
    )
    const box = new EventOutbox(spool)
    await box.adoptOrphanSpools()
    assert.deepEqual(
      (await Event.query().where('station', slug).orderBy('id')).map((e) => e.type),
      ['output_down', 'output_up']
    )
    assert.isFalse(box.hasBacklog)
    const rejected = readFileSync(`${box.spoolPath}.rejected`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    assert.lengthOf(rejected, 1)
    assert.equal(rejected[0].level, null)
    assert.match(rejected[0].reason, /null|NOT NULL|cannot be null/i)
    // Emitting again writes the new event only: the refused one is not tried again.
    await emitMany(box, slug, ['streamer_started'])
    assert.deepEqual(
      (await Event.query().where('station', slug).orderBy('id')).map((e) => e.type),
      ['output_down', 'output_up', 'streamer_started']
    )
  })

  test('the spool of a process that died is adopted and written by the next', async ({
    assert,
  }) => {
    const spool = mkdtempSync(join(tmpdir(), 'antenne-spool-'))
    const slug = `st-${++serial}`
    // PID 999999999 is not running: its events are orphans.
    const lines = ['output_down', 'output_up'].map((type, i) =>
      JSON.stringify({
        type,
        station: slug,
        level: 'info',
        at: `2027-01-01T00:00:0${i}.000Z`,
        payload: {},
      })
    )
    mkdirSync(spool, { recursive: true })
    writeFileSync(join(spool, '999999999.jsonl'), lines.join('\n') + '\n')
    await new EventOutbox(spool).adoptOrphanSpools()
    assert.deepEqual(
      (await Event.query().where('station', slug).orderBy('id')).map((e) => e.type),
      ['output_down', 'output_up']
    )
  })
})

test.group('Events: delivery to sinks', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a webhook gets signed JSON arrays in order; while it is down nothing is lost, and it gets everything, in order, when back', async ({
    assert,
  }) => {
    const hook = await receiver('s3cret')
    try {
      const webhook = await sink({ url: hook.url, key: 's3cret', batchSize: 2 })
      const box = outbox()
      const slug = `st-${++serial}`
      const deliverer = new EventDeliverer(quiet)
      await emitMany(box, slug, ['diffusion_started', 'sound_on_air'])
      assert.equal((await deliverer.deliverAll()).get(webhook.name), 'delivered')

      hook.state.failWith = 503
      await emitMany(box, slug, ['track_on_air', 'track_on_air', 'diffusion_cancelled'])
      let now = DateTime.utc()
      assert.equal(
        await deliverer.deliverSink(await EventSink.findOrFail(webhook.id), now),
        'retry'
      )
      // Retried with a doubling delay: not before it.
      assert.equal(
        await deliverer.deliverSink(
          await EventSink.findOrFail(webhook.id),
          now.plus({ milliseconds: 500 })
        ),
        'waiting'
      )
      now = now.plus({ seconds: 2 })
      assert.equal(
        await deliverer.deliverSink(await EventSink.findOrFail(webhook.id), now),
        'retry'
      )
      const down = await EventSink.findOrFail(webhook.id)
      assert.equal(down.attempts, 2)
      assert.include(down.lastError!, 'HTTP 503')
      // The receiver is down for good: stop it, events keep coming.
      await new Promise((resolve) => hook.server.close(resolve))
      await emitMany(box, slug, ['live_connected'])
      now = now.plus({ seconds: 10 })
      assert.equal(
        await deliverer.deliverSink(await EventSink.findOrFail(webhook.id), now),
        'retry'
      )
      assert.match(
        (await EventSink.findOrFail(webhook.id)).lastError!,
        /ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET/
      )

      // Back, on the same port.
      hook.state.failWith = 0
      await new Promise<void>((resolve) => hook.server.listen(hook.port, '127.0.0.1', resolve))
      for (let i = 0; i < 5; i++) {
        now = now.plus({ minutes: 2 })
        await deliverer.deliverSink(await EventSink.findOrFail(webhook.id), now)
      }
      const types = hook.received.flatMap((r) => r.events.map((e) => e.type))
      assert.deepEqual(types, [
        'diffusion_started',
        'sound_on_air',
        'track_on_air',
        'track_on_air',
        'diffusion_cancelled',
        'live_connected',
      ])
      const ids = hook.received.flatMap((r) => r.events.map((e) => e.id))
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b)
      )
      assert.isTrue(hook.received.every((r) => r.valid))
      assert.isAtMost(Math.max(...hook.received.map((r) => r.events.length)), 2)
      const log = await EventDelivery.query().where('sink_id', webhook.id).orderBy('id')
      assert.deepEqual([...new Set(log.map((d) => d.status))].sort(), ['delivered', 'retry'])
      await deliverer.stop()
    } finally {
      hook.server.close()
    }
  })

  test('past its resend limit a batch is logged as failed and the sink moves on', async ({
    assert,
  }) => {
    const webhook = await sink({ url: 'http://127.0.0.1:1/nothing-listens', maxAttempts: 2 })
    const box = outbox()
    await emitMany(box, `st-${++serial}`, ['output_down'])
    const deliverer = new EventDeliverer(quiet)
    let now = DateTime.utc()
    assert.equal(await deliverer.deliverSink(await EventSink.findOrFail(webhook.id), now), 'retry')
    now = now.plus({ minutes: 5 })
    assert.equal(await deliverer.deliverSink(await EventSink.findOrFail(webhook.id), now), 'failed')
    const after = await EventSink.findOrFail(webhook.id)
    assert.equal(after.cursor, await outboxEnd())
    assert.equal(after.attempts, 0)
    const failed = await EventDelivery.query()
      .where('sink_id', webhook.id)
      .where('status', 'failed')
      .firstOrFail()
    assert.include(failed.detail!, 'given up after 2 attempts')
    await deliverer.stop()
  })

  test('a log sink appends JSON lines; its level and only/except rules choose what it takes', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-log-sink-'))
    const slug = `st-${++serial}`
    const errors = await sink({ url: `log://${join(dir, 'errors.jsonl')}`, minLevel: 'error' })
    const starts = await sink({
      url: `log://${join(dir, 'starts.jsonl')}`,
      only: `event=diffusion_started,diffusion_cancelled station=${slug}`,
      except: 'event=diffusion_cancelled',
    })
    await emitMany(outbox(), slug, [
      'diffusion_started',
      'diffusion_cancelled',
      'output_down',
      'sound_on_air',
    ])
    const deliverer = new EventDeliverer(quiet)
    const outcomes = await deliverer.deliverAll()
    assert.equal(outcomes.get(errors.name), 'delivered')
    const read = (file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type)
    assert.deepEqual(read('errors.jsonl'), ['output_down'])
    assert.deepEqual(read('starts.jsonl'), ['diffusion_started'])
    // Everything was handled: the next pass has nothing to do.
    assert.equal((await deliverer.deliverAll()).get(starts.name), 'idle')
    await deliverer.stop()
  })

  test('an amqp sink publishes each event to its exchange with routing key <station>.<event>', async ({
    assert,
  }) => {
    const exchange = `antenne.test.${Date.now()}`
    const slug = `st-${++serial}`
    const connection = await amqp.connect(AMQP)
    try {
      const channel = await connection.createChannel()
      await channel.assertExchange(exchange, 'topic', { durable: true })
      const { queue } = await channel.assertQueue('', { exclusive: true })
      await channel.bindQueue(queue, exchange, `${slug}.#`)
      // Its options go along as message headers.
      const bus = await sink({ url: `${AMQP}/?exchange=${exchange}`, options: { channel: 'ops' } })
      await emitMany(outbox(), slug, ['diffusion_started', 'dead_air'])
      const deliverer = new EventDeliverer(quiet)
      assert.equal((await deliverer.deliverAll()).get(bus.name), 'delivered')
      await deliverer.stop()
      const got: Array<{ key: string; type: string; channel: unknown }> = []
      for (let i = 0; i < 20 && got.length < 2; i++) {
        const message = await channel.get(queue, { noAck: true })
        if (message)
          got.push({
            key: message.fields.routingKey,
            type: JSON.parse(message.content.toString()).type,
            channel: message.properties.headers?.channel,
          })
        else await new Promise((r) => setTimeout(r, 50))
      }
      assert.deepEqual(got, [
        { key: `${slug}.diffusion_started`, type: 'diffusion_started', channel: 'ops' },
        { key: `${slug}.dead_air`, type: 'dead_air', channel: 'ops' },
      ])
      await channel.deleteExchange(exchange)
    } finally {
      await connection.close()
    }
  })

  test('two deliverers never send the same sink at once: the second finds it leased', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-lease-'))
    const file = await sink({ url: `log://${join(dir, 'events.jsonl')}` })
    await emitMany(outbox(), `st-${++serial}`, ['output_up'])
    const first = new EventDeliverer(quiet)
    const second = new EventDeliverer(quiet)
    Object.defineProperty(second, 'owner', { value: 'elsewhere:1' })
    assert.equal(await first.deliverSink(await EventSink.findOrFail(file.id)), 'delivered')
    assert.equal(await second.deliverSink(await EventSink.findOrFail(file.id)), 'leased')
    await first.stop()
    assert.equal(await second.deliverSink(await EventSink.findOrFail(file.id)), 'idle')
  })

  test('sinks load from a file by name; a malformed file is refused with the place of its fault', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-sinks-'))
    const path = join(dir, 'sinks.json')
    const name = `file-sink-${++serial}`
    writeFileSync(
      path,
      JSON.stringify([
        {
          name,
          url: `log://${join(dir, 'events.jsonl')}`,
          level: 'warning',
          only: ['event=dead_air,output_down'],
        },
      ])
    )
    assert.deepEqual(await loadSinksFile(path), { loaded: 1, deactivated: 0 })
    const loaded = await EventSink.findByOrFail('name', name)
    assert.equal(loaded.minLevel, 'warning')
    assert.isTrue(loaded.fromFile)
    writeFileSync(path, '[]')
    assert.equal((await loadSinksFile(path)).deactivated >= 1, true)
    assert.isFalse((await EventSink.findByOrFail('name', name)).active)

    writeFileSync(path, JSON.stringify([{ name: 'x', url: 'gopher://x' }]))
    await assert.rejects(() => loadSinksFile(path), /0\.url/)
    writeFileSync(path, JSON.stringify([{ name: 'x', url: 'log://x', only: ['event'] }]))
    await assert.rejects(() => loadSinksFile(path), /sink 0 \("x"\): line 1/)
    writeFileSync(path, '{ not json')
    await assert.rejects(() => loadSinksFile(path), /sinks file .*JSON/)
  })
})
