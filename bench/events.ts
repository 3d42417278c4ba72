/*
| npm run bench:events — the event pipeline's figures. Prints, asserts nothing.
|
| 1. What emitting costs the caller (the streamer's tick): µs per emit.
| 2. The outbox: events written to SQLite per second.
| 3. Delivery to a signed webhook on this machine: events per second, and
|    the delay from emit to receipt (the deliverer polls every 100 ms here).
| 4. A dead webhook beside a log sink: the log sink's delay does not move.
| Runs on SQLite in tmp/bench-events/ (under a minute).
*/
import { createServer } from 'node:http'
import { join } from 'node:path'
import { benchWorkspace, bootApp } from './boot.js'

const work = await benchWorkspace('bench-events')
process.env.ANTENNE_EVENTS_SPOOL = join(work, 'spool')
const app = await bootApp()

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ]

await app.start(async () => {
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { events } = await import('#events/event_outbox')
  const { EventDeliverer, outboxEnd } = await import('#events/event_deliverer')
  const { default: EventSink } = await import('#models/event_sink')
  await ace.exec('migration:run', ['--force'])

  console.log('1. Emitting (what the caller pays; the write happens after)')
  const N = 100_000
  let started = performance.now()
  for (let i = 0; i < N; i++)
    events.emit('track_on_air', 'bench', { track_id: i, title: `Song ${i}` })
  const emitMs = performance.now() - started
  console.log(
    `   ${((emitMs * 1000) / N).toFixed(2)} µs per emit (${N.toLocaleString('en')} events)`
  )

  started = performance.now()
  await events.flush()
  const flushMs = performance.now() - started
  console.log('\n2. The outbox (SQLite)')
  console.log(
    `   ${Math.round(N / (flushMs / 1000)).toLocaleString('en')} events written per second`
  )

  // A webhook receiver that notes when each event arrives.
  const arrivals = new Map<number, number>()
  const receiver = createServer((request, response) => {
    let body = ''
    request.on('data', (c) => (body += c))
    request.on('end', () => {
      const now = performance.now()
      for (const e of JSON.parse(body)) arrivals.set(e.payload.n ?? -1, now)
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const port = (receiver.address() as { port: number }).port
  const quiet = { info: () => {}, warn: () => {}, error: () => {} }
  const sink = (name: string, url: string) =>
    outboxEnd().then((cursor) =>
      EventSink.create({
        name,
        url,
        key: 'bench-key',
        minLevel: 'debug',
        timeoutMs: 2000,
        maxAttempts: 1000,
        batchSize: 500,
        active: true,
        fromFile: false,
        cursor,
        attempts: 0,
      })
    )

  console.log('\n3. Delivery to a signed webhook')
  await sink('hook', `http://127.0.0.1:${port}/hook`)
  const deliverer = new EventDeliverer(quiet)
  const M = 20_000
  for (let n = 0; n < M; n++) events.emit('sound_on_air', 'bench', { n })
  await events.flush()
  started = performance.now()
  while (arrivals.size < M) await deliverer.deliverAll()
  console.log(
    `   ${Math.round(M / ((performance.now() - started) / 1000)).toLocaleString('en')} events per second (batches of 500)`
  )

  deliverer.start(100)
  const delays: number[] = []
  for (let n = M; n < M + 40; n++) {
    const sent = performance.now()
    events.emit('sound_on_air', 'bench', { n })
    while (!arrivals.has(n)) await new Promise((r) => setTimeout(r, 2))
    delays.push(arrivals.get(n)! - sent)
    await new Promise((r) => setTimeout(r, 37))
  }
  console.log(
    `   emit to receipt, one event at a time: median ${percentile(delays, 50).toFixed(0)} ms, p95 ${percentile(delays, 95).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms (polled every 100 ms)`
  )
  await deliverer.stop()

  console.log('\n4. A dead webhook beside a log sink')
  await db.from('event_sinks').update({ active: false })
  await sink('dead', 'http://127.0.0.1:8019/nobody')
  const logSink = await sink('file', `log://${join(work, 'events.jsonl')}`)
  const both = new EventDeliverer(quiet)
  both.start(100)
  const fileDelays: number[] = []
  for (let i = 0; i < 20; i++) {
    events.emit('output_down', 'bench', { i })
    await events.flush()
    const target = await outboxEnd()
    const sent = performance.now()
    while (Number((await EventSink.findOrFail(logSink.id)).cursor) < target)
      await new Promise((r) => setTimeout(r, 5))
    fileDelays.push(performance.now() - sent)
  }
  await both.stop()
  const dead = await EventSink.findByOrFail('name', 'dead')
  console.log(
    `   log sink: median ${percentile(fileDelays, 50).toFixed(0)} ms, max ${Math.max(...fileDelays).toFixed(0)} ms after the write; the dead one: ${dead.attempts} failed attempts, "${dead.lastError}"`
  )
  receiver.close()
})
await app.terminate()
