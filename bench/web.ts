/*
| npm run bench:web — the public site's figures. Prints, asserts nothing.
|
| Fills a station with a year of programme: 1,000,000 on-air log rows (a
| track every 30 s), 8,760 diffusions with their episodes. Then runs the web
| server (bin/server.ts, its own process) and measures over HTTP:
| 1. /logs/YYYY/MM/DD, /week/YYYY/MM/DD and /api/v1/logs?date= for random
|    days: p50, p95, max. Goal: p95 under 50 ms.
| 2. Now playing pushed: a log row written, until the server-sent event
|    arrives. Goal: under 1 s.
| Runs on SQLite in tmp/bench-web/ (about 2 minutes).
*/
import { spawn } from 'node:child_process'
import type { DateTime as LuxonDateTime } from 'luxon'
import { benchWorkspace, bootApp, root } from './boot.js'

await benchWorkspace('bench-web')
const PORT = 3391
const LOG_ROWS = 1_000_000

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ]

const app = await bootApp()

await app.start(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { DateTime } = await import('luxon')
  const { sqlDateTime } = await import('#models/columns')
  await ace.exec('migration:run', ['--force'])

  const zone = 'Europe/Brussels'
  const now = DateTime.utc().startOf('minute')
  const from = now.minus({ days: 347 })
  const stamp = sqlDateTime(now)
  const [stationId] = await db.table('stations').insert({
    name: 'Bench FM',
    slug: 'bench',
    timezone: zone,
    is_default: true,
    active: true,
    created_at: stamp,
    updated_at: stamp,
  })
  const programIds: number[] = []
  for (const slug of ['rotation', 'talk', 'jazz']) {
    const [id] = await db.table('programs').insert({
      station_id: stationId,
      title: slug,
      slug,
      active: true,
      created_at: stamp,
      updated_at: stamp,
    })
    programIds.push(Number(id))
  }
  const soundIds: number[] = []
  const trackIds: number[] = []
  for (let i = 0; i < 200; i++) {
    const [sound] = await db.table('sounds').insert({
      program_id: programIds[0],
      name: `song ${i}`,
      path: `/bench/song-${i}.mp3`,
      type: 'archive',
      is_public: false,
      created_at: stamp,
      updated_at: stamp,
    })
    const [track] = await db.table('tracks').insert({
      sound_id: sound,
      position: 0,
      timestamp: 0,
      title: `Song ${i}`,
      artist: `Artist ${i % 37}`,
      created_at: stamp,
      updated_at: stamp,
    })
    soundIds.push(Number(sound))
    trackIds.push(Number(track))
  }

  let started = Date.now()
  // One diffusion an hour, alternating talk and jazz.
  const hours = Math.floor(now.diff(from, 'hours').hours)
  for (let h = 0; h < hours; h += 500) {
    await db.transaction(async (trx) => {
      for (let i = h; i < Math.min(hours, h + 500); i++) {
        const start = from.plus({ hours: i })
        const programId = programIds[1 + (i % 2)]
        const [episode] = await trx.table('episodes').insert({
          program_id: programId,
          title: `Hour ${i}`,
          slug: `hour-${i}`,
          created_at: stamp,
          updated_at: stamp,
        })
        await trx.table('diffusions').insert({
          episode_id: episode,
          program_id: programId,
          type: 'on_air',
          start: sqlDateTime(start),
          end: sqlDateTime(start.plus({ minutes: 30 })),
          edited: false,
          created_at: stamp,
          updated_at: stamp,
        })
      }
    })
  }
  const step = Math.floor(now.diff(from).toMillis() / LOG_ROWS)
  for (let n = 0; n < LOG_ROWS; n += 5000) {
    const rows: Array<Record<string, unknown>> = []
    for (let i = n; i < Math.min(LOG_ROWS, n + 5000); i++) {
      const k = i % soundIds.length
      rows.push({
        station_id: stationId,
        type: 'on_air',
        date: sqlDateTime(from.plus({ milliseconds: i * step })),
        source: 'rotation',
        sound_id: soundIds[k],
        track_id: trackIds[k],
      })
    }
    await db.transaction(async (trx) => {
      for (let r = 0; r < rows.length; r += 100)
        await trx.table('logs').multiInsert(rows.slice(r, r + 100))
    })
  }
  console.log(
    `Filled ${LOG_ROWS.toLocaleString('en')} log rows and ${hours} diffusions in ${((Date.now() - started) / 1000).toFixed(1)} s`
  )

  const server = spawn(
    process.execPath,
    ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        APP_KEY: 'bench-key-bench-key-bench-key-00',
        PORT: String(PORT),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }
  )
  const base = `http://127.0.0.1:${PORT}`
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/health`).then(
        () => true,
        () => false
      )
    )
      break
    if (i > 150) throw new Error('the web server did not start')
    await new Promise((r) => setTimeout(r, 200))
  }

  try {
    console.log(
      `\n1. Pages over HTTP with ${LOG_ROWS.toLocaleString('en')} log rows (200 random days each, after 20 warm-up requests)`
    )
    const days = Array.from({ length: 220 }, () =>
      from.plus({ days: 1 + Math.floor(Math.random() * 340) }).setZone(zone)
    )
    for (const [label, url] of [
      ['/logs/YYYY/MM/DD', (d: LuxonDateTime) => `/logs/${d.toFormat('yyyy/MM/dd')}`],
      ['/week/YYYY/MM/DD', (d: LuxonDateTime) => `/week/${d.toFormat('yyyy/MM/dd')}`],
      ['/api/v1/logs?date=', (d: LuxonDateTime) => `/api/v1/logs?date=${d.toISODate()}`],
      ['/api/v1/now', () => '/api/v1/now'],
    ] as const) {
      const times: number[] = []
      for (const [i, day] of days.entries()) {
        const t = performance.now()
        const response = await fetch(base + url(day))
        await response.text()
        if (response.status !== 200) throw new Error(`${url(day)}: ${response.status}`)
        if (i >= 20) times.push(performance.now() - t)
      }
      console.log(
        `   ${label.padEnd(20)} p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`
      )
    }

    console.log(
      '\n2. Now playing pushed (a log row written, until the server-sent event arrives), 10 times'
    )
    const uid = `bench-${Date.now()}`
    const abort = new AbortController()
    const events = await fetch(`${base}/__transmit/events?uid=${uid}`, { signal: abort.signal })
    let waiting = null as ((title: string) => void) | null
    void (async () => {
      const decoder = new TextDecoder()
      for await (const chunk of events.body as unknown as AsyncIterable<Uint8Array>) {
        for (const line of decoder.decode(chunk).split('\n')) {
          if (!line.startsWith('data: ')) continue
          const message = JSON.parse(line.slice(6))
          if (message.channel === 'now_playing/bench') waiting?.(message.payload.track?.title)
        }
      }
    })().catch(() => {})
    await fetch(`${base}/__transmit/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid, channel: 'now_playing/bench' }),
    })
    await new Promise((r) => setTimeout(r, 1500))
    const delays: number[] = []
    for (let i = 0; i < 10; i++) {
      const k = (i * 7) % soundIds.length
      const arrived = new Promise<void>((resolve) => {
        waiting = (title) => title === `Song ${k}` && resolve()
      })
      started = performance.now()
      await db.table('logs').insert({
        station_id: stationId,
        type: 'on_air',
        date: sqlDateTime(DateTime.utc()),
        source: 'rotation',
        sound_id: soundIds[k],
        track_id: trackIds[k],
      })
      await arrived
      delays.push(performance.now() - started)
      await new Promise((r) => setTimeout(r, 300))
    }
    abort.abort()
    console.log(
      `   median ${percentile(delays, 50).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms (the server checks every 500 ms)`
    )
  } finally {
    server.kill('SIGTERM')
  }
})
await app.terminate()
