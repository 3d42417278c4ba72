/*
| RadioVIS as receivers see it: real `node ace radiovis:serve` processes, two
| of them on one RabbitMQ (and one without a broker), and the two STOMP
| clients of the issue, stompit and @stomp/stompjs over @stomp/tcp-wrapper,
| subscribing as receivers do. Events are written to the outbox as the
| streamer writes them; nothing here is mocked.
*/
import { test } from '@japa/runner'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import amqp from 'amqplib'
import stompit, { type Client as StompitClient } from 'stompit'
import { Client as StompJsClient } from '@stomp/stompjs'
import { TCPWrapper } from '@stomp/tcp-wrapper'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Station from '#models/station'
import RadiovisMessage from '#models/radiovis_message'
import { EventOutbox } from '#events/event_outbox'
import { StationFactory } from '#database/factories/programme_factories'
import { within } from '#tests/helpers'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import RadiovisServer from '#models/radiovis_server'
import { UserFactory } from '#database/factories/user_factory'

const AMQP = process.env.ANTENNE_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const TEXT_TOPIC = '/topic/fm/ce1/c479/09580/text'
const IMAGE_TOPIC = '/topic/fm/ce1/c479/09580/image'
/** The same service, written with the country code. */
const CC_TEXT = '/topic/fm/gb/c479/09580/text'
const CC_IMAGE = '/topic/fm/gb/c479/09580/image'
let nextPort = 47_610 + (process.pid % 200) * 10

interface Received {
  destination: string
  body: string
  headers: Record<string, string>
}

/** What a client got, and a way to wait for more. */
class Inbox {
  readonly messages: Received[] = []
  #waiters: Array<() => void> = []
  push(message: Received) {
    this.messages.push(message)
    for (const wake of this.#waiters.splice(0)) wake()
  }
  bodies() {
    return this.messages.map((m) => m.body)
  }
  async waitFor(predicate: (messages: Received[]) => boolean, ms = 8000, what = 'messages') {
    const deadline = Date.now() + ms
    while (!predicate(this.messages)) {
      if (Date.now() > deadline)
        throw new Error(`${what}: timed out; got ${JSON.stringify(this.bodies())}`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }
}

/** `node ace radiovis:serve` on its own port, its output in lines. */
function serve(env: Record<string, string> = {}) {
  const port = nextPort++
  const child = spawn(process.execPath, ['ace', 'radiovis:serve', '--port', String(port)], {
    cwd: app.makePath(),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ANTENNE_PUBLIC_URL: 'https://radio.example',
      ANTENNE_RADIOVIS_FALLBACK_SECONDS: '600',
      ANTENNE_RADIOVIS_HEARTBEAT_MS: '400',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let rest = ''
  const read = (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n')
    rest = parts.pop()!
    lines.push(...parts.map((l) => stripVTControlCharacters(l)))
  }
  child.stdout!.on('data', read)
  child.stderr!.on('data', read)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code))
  )
  const ready = (async () => {
    const deadline = Date.now() + 20_000
    while (!lines.some((l) => l.includes('radiovis: STOMP on'))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`radiovis:serve did not start:\n${lines.join('\n')}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  return { port, child, lines, ready, exited }
}

/** Waits until each of the servers has logged a line that matches. */
async function loggedBy(
  servers: Array<{ lines: string[] }>,
  line: RegExp,
  what: string,
  ms = 8000
) {
  await within(
    ms,
    what,
    (async () => {
      while (!servers.every((s) => s.lines.some((l) => line.test(l))))
        await new Promise((r) => setTimeout(r, 50))
    })()
  )
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await within(10_000, 'radiovis:serve stops', exited)
}

/** A stompit receiver: subscribes to each destination and keeps what comes. */
async function stompitReceiver(port: number, destinations: string[]) {
  const inbox = new Inbox()
  const client = await new Promise<StompitClient>((resolve, reject) =>
    stompit.connect(
      { host: '127.0.0.1', port, connectHeaders: { 'host': '/', 'heart-beat': '0,0' } },
      (error, c) => (error ? reject(error) : resolve(c))
    )
  )
  client.on('error', () => {})
  for (const destination of destinations) {
    client.subscribe({ destination, ack: 'auto' }, (error, message) => {
      if (error) return
      message.readString('utf8', (_, body) =>
        inbox.push({
          destination: message.headers.destination,
          body: body ?? '',
          headers: message.headers,
        })
      )
    })
  }
  return { inbox, client }
}

/** A @stomp/stompjs receiver over TCP. */
async function stompJsReceiver(port: number, destinations: string[]) {
  const inbox = new Inbox()
  const errors: string[] = []
  const client = new StompJsClient({
    webSocketFactory: () => new TCPWrapper('127.0.0.1', port),
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    onStompError: (frame) => errors.push(frame.headers.message),
  })
  await new Promise<void>((resolve) => {
    client.onConnect = () => {
      for (const destination of destinations)
        client.subscribe(destination, (message) =>
          inbox.push({
            destination: message.headers.destination,
            body: message.body,
            headers: message.headers,
          })
        )
      resolve()
    }
    client.activate()
  })
  return { inbox, client, errors }
}

/** A raw TCP client, for what the libraries would not send. */
async function rawClient(port: number) {
  const socket: Socket = tcpConnect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  let data = ''
  socket.on('data', (chunk) => (data += chunk.toString()))
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { socket, received: () => data, closed }
}

/**
 * The way to RabbitMQ, through a TCP relay of the test's own: cut, every
 * connection through it is dropped and new ones are refused, as when the
 * broker dies; the shared broker itself is left running for the other tests.
 */
async function brokerLink(target = new URL(AMQP)) {
  const port = nextPort++
  const sockets = new Set<Socket>()
  let server: Server | null = null
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((inbound) => {
        const outbound = tcpConnect(Number(target.port || 5672), target.hostname)
        for (const [one, other] of [
          [inbound, outbound],
          [outbound, inbound],
        ]) {
          sockets.add(one)
          one.on('error', () => other.destroy())
          one.on('close', () => {
            sockets.delete(one)
            other.destroy()
          })
          one.pipe(other)
        }
      })
      server.listen(port, '127.0.0.1', resolve)
    })
  await listen()
  const url = new URL(AMQP)
  url.port = String(port)
  return {
    url: url.href,
    async cut() {
      const closing = new Promise((resolve) => server!.close(resolve))
      for (const socket of sockets) socket.destroy()
      await closing
    },
    restore: listen,
    close() {
      for (const socket of sockets) socket.destroy()
      server?.close()
    },
  }
}

const outbox = new EventOutbox(mkdtempSync(join(tmpdir(), 'antenne-spool-')))

async function song(station: Station, title: string, artist = 'The Relays') {
  // As the monitor logs a rotation song: the sound, then its track.
  outbox.emit('sound_on_air', station.slug, { sound_id: null, name: title, title, artist })
  outbox.emit('track_on_air', station.slug, { track_id: 1, sound_id: null, title, artist })
  await outbox.flush()
}

test.group('RadioVIS: radiovis:serve with real clients', (group) => {
  let station: Station
  let exchange: string

  group.each.setup(async () => {
    exchange = `antenne.radiovis.test${process.pid}.${Date.now()}`
    await db.from('leases').delete()
    await db.from('radiovis_messages').delete()
    station = await StationFactory.merge({
      radiovisTopic: '/topic/fm/ce1/c479/09580',
      radiovisText: 'Radio Test, 95.8 FM',
    }).create()
    return async () => {
      await db.from('radiovis_messages').delete()
      await db.from('radiovis_servers').delete()
      await db.from('leases').delete()
      await station.delete()
      const connection = await amqp.connect(AMQP)
      const channel = await connection.createChannel()
      await channel.deleteExchange(exchange).catch(() => {})
      await connection.close()
    }
  })

  test('two servers on one RabbitMQ: slash topics, CC and GCC forms, headers, last value, one TEXT a song', async ({
    assert,
  }) => {
    const env = { ANTENNE_RADIOVIS_URL: AMQP, ANTENNE_RADIOVIS_EXCHANGE: exchange }
    const a = serve(env)
    const b = serve(env)
    try {
      await Promise.all([a.ready, b.ready])
      const onA = await stompitReceiver(a.port, [CC_TEXT, CC_IMAGE])
      const onB = await stompJsReceiver(b.port, [TEXT_TOPIC, IMAGE_TOPIC])
      // Nothing aired yet: the station's default slide, at once, on both servers.
      for (const { inbox } of [onA, onB])
        await inbox.waitFor((m) => m.length >= 2, 8000, 'the default slide')
      assert.deepEqual(onA.inbox.bodies(), [
        'TEXT Radio Test, 95.8 FM',
        'SHOW https://radio.example/radiovis.png',
      ])
      assert.deepEqual(onB.inbox.bodies(), onA.inbox.bodies())

      // A broker consumer of its own: the messages do go through RabbitMQ.
      const connection = await amqp.connect(AMQP)
      const channel = await connection.createChannel()
      const { queue } = await channel.assertQueue('', { exclusive: true })
      await channel.bindQueue(queue, exchange, '#')

      await song(station, 'Night Bus')
      for (const { inbox } of [onA, onB])
        await inbox.waitFor((m) => m.length >= 4, 8000, 'the song')
      // Settle: a second TEXT for the track would come within a poll or two.
      await new Promise((r) => setTimeout(r, 600))
      for (const { inbox } of [onA, onB]) {
        assert.deepEqual(inbox.bodies().slice(2), [
          'TEXT The Relays – Night Bus',
          'SHOW https://radio.example/radiovis.png',
        ])
        const [text, show] = inbox.messages.slice(2)
        assert.equal(text.headers['trigger-time'], 'NOW')
        assert.equal(show.headers['trigger-time'], 'NOW')
        assert.equal(show.headers.link, 'https://radio.example/')
      }
      // Each receiver gets the destination it subscribed to.
      assert.deepEqual(
        onA.inbox.messages.map((m) => m.destination),
        [CC_TEXT, CC_IMAGE, CC_TEXT, CC_IMAGE]
      )
      assert.deepEqual(
        onB.inbox.messages.map((m) => m.destination),
        [TEXT_TOPIC, IMAGE_TOPIC, TEXT_TOPIC, IMAGE_TOPIC]
      )
      const routed: string[] = []
      for (let i = 0; i < 40 && routed.length < 2; i++) {
        const message = await channel.get(queue, { noAck: true })
        if (message) routed.push(`${message.fields.routingKey} ${message.content}`)
        else await new Promise((r) => setTimeout(r, 50))
      }
      assert.deepEqual(routed, [
        'fm/ce1/c479/09580/text TEXT The Relays – Night Bus',
        'fm/ce1/c479/09580/image SHOW https://radio.example/radiovis.png',
      ])
      await connection.close()

      // A receiver that comes now gets what is on, at once, from either server.
      const late = await stompJsReceiver(a.port, [TEXT_TOPIC, IMAGE_TOPIC])
      await late.inbox.waitFor((m) => m.length >= 2, 2000, 'the last value')
      assert.sameMembers(late.inbox.bodies(), [
        'TEXT The Relays – Night Bus',
        'SHOW https://radio.example/radiovis.png',
      ])

      onA.client.disconnect()
      await onB.client.deactivate()
      await late.client.deactivate()
    } finally {
      await Promise.all([stop(a.child), stop(b.child)])
    }
  }).timeout(60_000)

  test('the server a client is on is killed: it reconnects to the other and keeps receiving, nothing twice', async ({
    assert,
  }) => {
    const env = { ANTENNE_RADIOVIS_URL: AMQP, ANTENNE_RADIOVIS_EXCHANGE: exchange }
    const a = serve(env)
    await a.ready
    // a produces (it came first and holds the lease); b only serves.
    await loggedBy([a], /producing messages/, 'a holds the lease')
    const b = serve(env)
    // Aborted at the end: stompit would otherwise reconnect to the stopped servers forever.
    let connecting: { abort(): void } | undefined
    try {
      await b.ready
      const inbox = new Inbox()
      const connected: number[] = []
      const failover = new stompit.ConnectFailover(
        [
          { host: '127.0.0.1', port: a.port, connectHeaders: { 'host': '/', 'heart-beat': '0,0' } },
          { host: '127.0.0.1', port: b.port, connectHeaders: { 'host': '/', 'heart-beat': '0,0' } },
        ],
        { initialReconnectDelay: 50, maxReconnectDelay: 300, randomize: false }
      )
      failover.on('error', () => {})
      let current: StompitClient | null = null
      connecting = failover.connect((error, client, reconnect, server) => {
        if (error) return
        current = client
        connected.push(server.serverProperties.connectOptions.port)
        client.on('error', () => reconnect())
        client.subscribe({ destination: TEXT_TOPIC, ack: 'auto' }, (e, message) => {
          if (e) return
          message.readString('utf8', (_, body) =>
            inbox.push({
              destination: message.headers.destination,
              body: body ?? '',
              headers: message.headers,
            })
          )
        })
      })
      await inbox.waitFor((m) => m.length >= 1, 8000, 'the default text')
      await song(station, 'First')
      await inbox.waitFor((m) => m.some((x) => x.body.endsWith('First')), 8000, 'the first song')
      assert.equal(connected[0], a.port)

      // The producer's server dies without a word; b takes the lease over once it expires.
      a.child.kill('SIGKILL')
      await a.exited
      await inbox.waitFor(() => connected.length >= 2, 8000, 'the reconnection')
      assert.equal(connected[1], b.port)
      await song(station, 'Second')
      await inbox.waitFor(
        (m) => m.some((x) => x.body.endsWith('Second')),
        20_000,
        'the song after the kill'
      )
      await new Promise((r) => setTimeout(r, 600))
      // Each (re)connection starts with the last value (First again); Second comes once.
      const bodies = inbox.bodies()
      const collapsed = bodies.filter((body, n) => body !== bodies[n - 1])
      assert.deepEqual(
        collapsed,
        ['TEXT Radio Test, 95.8 FM', 'TEXT The Relays – First', 'TEXT The Relays – Second'],
        JSON.stringify({ bodies, connected })
      )
      assert.lengthOf(
        bodies.filter((body) => body.endsWith('Second')),
        1
      )
      const logged = await RadiovisMessage.query().where('topic', TEXT_TOPIC).orderBy('id')
      assert.deepEqual(
        logged.map((m) => m.body),
        ['TEXT Radio Test, 95.8 FM', 'TEXT The Relays – First', 'TEXT The Relays – Second']
      )
      assert.isTrue(
        b.lines.some((l) => l.includes('producing messages')),
        b.lines.join('\n')
      )
      ;(current as StompitClient | null)?.disconnect()
    } finally {
      connecting?.abort()
      await Promise.all([stop(a.child), stop(b.child)])
    }
  }).timeout(60_000)

  test('RabbitMQ goes away under two servers: each song still reaches every receiver once, from the message log; back, it is used again', async ({
    assert,
  }) => {
    const link = await brokerLink()
    const env = { ANTENNE_RADIOVIS_URL: link.url, ANTENNE_RADIOVIS_EXCHANGE: exchange }
    const a = serve(env)
    await a.ready
    const b = serve(env)
    try {
      await b.ready
      await loggedBy([a, b], /receiving from RabbitMQ/, 'both on the broker')
      const onA = await stompitReceiver(a.port, [TEXT_TOPIC])
      const onB = await stompJsReceiver(b.port, [TEXT_TOPIC])
      const both = [onA, onB]
      for (const { inbox } of both)
        await inbox.waitFor((m) => m.length >= 1, 8000, 'the default text')
      const got = (title: string) =>
        Promise.all(
          both.map(({ inbox }) =>
            inbox.waitFor((m) => m.some((x) => x.body.endsWith(title)), 8000, title)
          )
        )
      await song(station, 'Before')
      await got('Before')

      // The broker goes: the producer's publish fails, the servers' consumers are cut.
      await link.cut()
      await song(station, 'During')
      await got('During')
      await loggedBy([a, b], /RabbitMQ: .*(reconnecting|fall back)/, 'the loss is said')

      // It comes back: the servers reconnect and the producer publishes again.
      await link.restore()
      await loggedBy([a, b], /RabbitMQ answers again/, 'the servers back on the broker', 20_000)
      // A probe of our own on the exchange: the next song goes through RabbitMQ again.
      const connection = await amqp.connect(AMQP)
      const channel = await connection.createChannel()
      const { queue } = await channel.assertQueue('', { exclusive: true })
      await channel.bindQueue(queue, exchange, '#')
      await song(station, 'After')
      await got('After')
      let routed: string | null = null
      for (let i = 0; i < 40 && !routed; i++) {
        const message = await channel.get(queue, { noAck: true })
        if (message) routed = message.content.toString()
        else await new Promise((r) => setTimeout(r, 50))
      }
      await connection.close()
      assert.equal(routed, 'TEXT The Relays – After')

      await new Promise((r) => setTimeout(r, 1500))
      const expected = [
        'TEXT Radio Test, 95.8 FM',
        'TEXT The Relays – Before',
        'TEXT The Relays – During',
        'TEXT The Relays – After',
      ]
      for (const { inbox } of both) assert.deepEqual(inbox.bodies(), expected)
      const logged = await RadiovisMessage.query().where('topic', TEXT_TOPIC).orderBy('id')
      assert.deepEqual(
        logged.map((m) => m.body),
        expected
      )
      onA.client.disconnect()
      await onB.client.deactivate()
    } finally {
      await Promise.all([stop(a.child), stop(b.child)])
      link.close()
    }
  }).timeout(90_000)

  test('without a broker: messages from the database, the fallback after silence, SIGTERM within seconds', async ({
    assert,
  }) => {
    const a = serve({ ANTENNE_RADIOVIS_FALLBACK_SECONDS: '2' })
    try {
      await a.ready
      const { inbox, client } = await stompJsReceiver(a.port, [TEXT_TOPIC])
      await inbox.waitFor((m) => m.length >= 1, 8000, 'the default text')
      await song(station, 'Night Bus')
      await inbox.waitFor((m) => m.length >= 2, 8000, 'the song')
      const sungAt = Date.now()
      // Two seconds without news: the station's default again.
      await inbox.waitFor((m) => m.length >= 3, 8000, 'the fallback')
      assert.isAtLeast(Date.now() - sungAt, 1500)
      assert.deepEqual(inbox.bodies(), [
        'TEXT Radio Test, 95.8 FM',
        'TEXT The Relays – Night Bus',
        'TEXT Radio Test, 95.8 FM',
      ])
      const fallbacks = await RadiovisMessage.query()
        .where('topic', TEXT_TOPIC)
        .where('fallback', true)
      assert.lengthOf(fallbacks, 2)
      await client.deactivate()
      const started = Date.now()
      await stop(a.child)
      assert.isBelow(Date.now() - started, 5000)
      assert.equal(a.child.exitCode, 0)
      // The lease is given up and the server is gone from the list.
      assert.lengthOf(await db.from('leases').where('name', 'radiovis'), 0)
      assert.lengthOf(await db.from('radiovis_servers'), 0)
    } finally {
      await stop(a.child)
    }
  }).timeout(60_000)

  test('a receiver may not SEND, nor subscribe to what is not a topic; a silent one is closed', async ({
    assert,
  }) => {
    const a = serve()
    try {
      await a.ready
      const watcher = await stompitReceiver(a.port, [TEXT_TOPIC])
      await watcher.inbox.waitFor((m) => m.length >= 1, 8000, 'the default text')

      const sender = await stompJsReceiver(a.port, [])
      sender.client.publish({ destination: TEXT_TOPIC, body: 'TEXT hijacked' })
      await within(
        5000,
        'the ERROR frame',
        (async () => {
          while (!sender.errors.length) await new Promise((r) => setTimeout(r, 20))
        })()
      )
      assert.match(sender.errors[0], /SEND refused/)
      await sender.client.deactivate()
      await new Promise((r) => setTimeout(r, 300))
      assert.deepEqual(watcher.inbox.bodies(), ['TEXT Radio Test, 95.8 FM'])
      assert.lengthOf(await RadiovisMessage.query().where('body', 'like', '%hijacked%'), 0)

      // RabbitMQ's "not a valid topic destination", with a reason that helps.
      const raw = await rawClient(a.port)
      raw.socket.write(
        'CONNECT\naccept-version:1.2\nhost:/\n\n\0SUBSCRIBE\nid:0\ndestination:/topic/fm/ce1/c479\nreceipt:r1\n\n\0'
      )
      await within(5000, 'the connection closed', raw.closed)
      assert.match(raw.received(), /^CONNECTED\n/)
      assert.match(
        raw.received(),
        /ERROR\n(.*\n)*message:\/topic\/fm\/ce1\/c479 is not a RadioVIS topic\n/
      )
      assert.match(raw.received(), /receipt-id:r1/)

      // Heart-beats every 400 ms agreed, then silence: closed well before a minute.
      const silent = await rawClient(a.port)
      silent.socket.write('CONNECT\naccept-version:1.2\nhost:/\nheart-beat:400,0\n\n\0')
      const since = Date.now()
      await within(5000, 'the silent client closed', silent.closed)
      assert.match(silent.received(), /heart-beat:400,400/)
      assert.isAtLeast(Date.now() - since, 400)
      // One that beats stays.
      const alive = await rawClient(a.port)
      alive.socket.write('CONNECT\naccept-version:1.2\nhost:/\nheart-beat:200,0\n\n\0')
      const beat = setInterval(() => alive.socket.write('\n'), 150)
      await new Promise((r) => setTimeout(r, 1500))
      clearInterval(beat)
      assert.isFalse(alive.socket.destroyed)
      alive.socket.destroy()
      watcher.client.disconnect()
    } finally {
      await stop(a.child)
    }
  }).timeout(60_000)
})

test.group('RadioVIS: the station page in the CMS', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('it shows what receivers show, how many subscribe, the servers and the log; to its managers only', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.merge({
      radiovisTopic: '/topic/fm/gb/c479/09580',
    }).create()
    const other = await StationFactory.create()
    const sentAt = DateTime.utc()
    for (const [topic, body, fallback] of [
      [TEXT_TOPIC, 'TEXT Radio Test', true],
      [IMAGE_TOPIC, 'SHOW https://radio.example/radiovis.png', true],
      [TEXT_TOPIC, 'TEXT The Relays – Night Bus', false],
    ] as const)
      await RadiovisMessage.create({
        station: station.slug,
        topic,
        body,
        link: null,
        eventId: null,
        fallback,
        sentAt,
      })
    await RadiovisServer.create({
      name: 'edge-1:42',
      listen: '0.0.0.0:61613',
      receivers: 5,
      topics: { [TEXT_TOPIC]: 3, [IMAGE_TOPIC]: 2 },
      startedAt: sentAt,
      seenAt: sentAt,
    })
    // Gone for a minute: not counted.
    await RadiovisServer.create({
      name: 'edge-2:43',
      listen: '0.0.0.0:61613',
      receivers: 9,
      topics: { [TEXT_TOPIC]: 9 },
      startedAt: sentAt,
      seenAt: sentAt.minus({ minutes: 1 }),
    })
    const admin = await UserFactory.apply('admin').create()
    const page = await client.get(`/staff/stations/${station.id}/radiovis`).loginAs(admin)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, TEXT_TOPIC)
    assert.include(html, 'The Relays – Night Bus')
    assert.include(html, '3 receivers')
    assert.include(html, '2 receivers')
    assert.include(html, 'edge-1:42')
    assert.notInclude(html, 'edge-2:43')
    assert.include(html, 'default (silence)')
    assert.include(html, '<img src="https://radio.example/radiovis.png"')

    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([other.id])
    const refused = await client.get(`/staff/stations/${station.id}/radiovis`).loginAs(manager)
    refused.assertStatus(403)
  })
})
