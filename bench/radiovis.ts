/*
| npm run bench:radiovis [-- --broker] — RadioVIS delivery figures. Prints,
| asserts nothing.
|
| One real `node ace radiovis:serve` (on SQLite, without a broker; with
| --broker through RabbitMQ at ANTENNE_RADIOVIS_URL or amqp://guest:guest@
| 127.0.0.1:5672), 1,000 receivers on plain sockets (each subscribes to the
| text and image of one of 3 stations), and for 30 s a new song on each of
| the 3 stations every second, written to the outbox as the streamer does.
| Latency is from the event's write to a receiver reading its TEXT; CPU and
| memory are the server's, read from /proc.
| Goal (issue 14): p95 under 100 ms, under 10 % of a core.
*/
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { benchWorkspace, bootApp, root } from './boot.js'

const RECEIVERS = Number(process.env.BENCH_RECEIVERS ?? 1000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30)
const STATIONS = 3
const PORT = 47_000 + (process.pid % 1000)
const broker = process.argv.includes('--broker')
const brokerUrl = process.env.ANTENNE_RADIOVIS_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

const work = await benchWorkspace('bench-radiovis')
process.env.ANTENNE_EVENTS_SPOOL = join(work, 'spool')
const app = await bootApp()

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ] ?? Number.NaN

/** Clock ticks of a process (user + system), and its resident memory in MiB. */
function usage(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
  return { ticks, rss }
}

await app.start(async () => {
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { default: Station } = await import('#models/station')
  const { events } = await import('#events/event_outbox')
  await ace.exec('migration:run', ['--force'])
  const topics: string[] = []
  for (let i = 0; i < STATIONS; i++) {
    const pi = `c4${i}9`
    topics.push(`/topic/fm/ce1/${pi}/0958${i}`)
    await Station.create({
      name: `Bench ${i}`,
      slug: `bench-${i}`,
      timezone: 'Europe/London',
      radiovisTopic: topics[i],
      radiovisText: `Bench ${i}`,
    })
  }

  const exchange = `antenne.radiovis.bench${process.pid}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    ANTENNE_RADIOVIS_FALLBACK_SECONDS: '3600',
  }
  if (broker)
    Object.assign(env, { ANTENNE_RADIOVIS_URL: brokerUrl, ANTENNE_RADIOVIS_EXCHANGE: exchange })
  else delete env.ANTENNE_RADIOVIS_URL
  const server = spawn(process.execPath, ['ace', 'radiovis:serve', '--port', String(PORT)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('STOMP on')) resolve()
    })
    server.once('exit', () => reject(new Error('radiovis:serve exited')))
  })

  // Emit time of each song, by its title.
  const sent = new Map<string, number>()
  const latencies: number[] = []
  let messages = 0
  const sockets: Socket[] = []
  const connectedAt = Date.now()
  await Promise.all(
    Array.from({ length: RECEIVERS }, (_, n) => {
      const topic = topics[n % STATIONS]
      return new Promise<void>((resolve, reject) => {
        const socket = connect(PORT, '127.0.0.1')
        sockets.push(socket)
        let buffer = ''
        socket.on('error', reject)
        socket.on('connect', () =>
          socket.write(
            'CONNECT\naccept-version:1.2\nhost:/\nheart-beat:0,0\n\n\0' +
              `SUBSCRIBE\nid:0\ndestination:${topic}/text\n\n\0` +
              `SUBSCRIBE\nid:1\ndestination:${topic}/image\nreceipt:ready\n\n\0`
          )
        )
        socket.on('data', (chunk) => {
          const now = Date.now()
          buffer += chunk.toString()
          const frames = buffer.split('\0')
          buffer = frames.pop()!
          for (const frame of frames) {
            if (frame.includes('receipt-id:ready')) resolve()
            if (!frame.includes('\nMESSAGE\n') && !frame.startsWith('MESSAGE\n')) continue
            messages++
            const song = /\n\nTEXT .* – (Song \d+-\d+)$/.exec(frame)
            const at = song && sent.get(song[1])
            if (at) latencies.push(now - at)
          }
        })
      })
    })
  )
  const connectMs = Date.now() - connectedAt
  const before = usage(server.pid!)
  const startedAt = Date.now()
  for (let second = 0; second < SECONDS; second++) {
    const tick = Date.now()
    for (let i = 0; i < STATIONS; i++) {
      const title = `Song ${i}-${second}`
      sent.set(title, Date.now())
      events.emit('track_on_air', `bench-${i}`, { track_id: second, title, artist: 'The Bench' })
    }
    await events.flush()
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))))
  }
  await new Promise((r) => setTimeout(r, 1000))
  const elapsed = (Date.now() - startedAt) / 1000
  const after = usage(server.pid!)
  const clock = 100 // USER_HZ on Linux
  for (const socket of sockets) socket.destroy()
  server.kill('SIGTERM')
  await new Promise((resolve) => server.once('exit', resolve))

  const expected = RECEIVERS * SECONDS
  console.log(`RadioVIS, ${broker ? 'through RabbitMQ' : 'from the database (no broker)'}:`)
  console.log(`  ${RECEIVERS} receivers connected and subscribed in ${connectMs} ms`)
  console.log(
    `  ${STATIONS} topics × ${SECONDS} s: ${latencies.length} song TEXTs received of ${expected} expected (${messages} messages in all)`
  )
  console.log(
    `  latency event → receiver: median ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms`
  )
  console.log(
    `  server: ${(((after.ticks - before.ticks) / clock / elapsed) * 100).toFixed(1)} % of a core, ${after.rss.toFixed(0)} MiB resident`
  )
  console.log('  goal: p95 under 100 ms, under 10 % of a core')
})
await app.terminate()
