/*
| npm run bench:continuity — what listeners go through when things die.
| Prints, asserts nothing.
|
| A real Icecast (port 8021), the streamer as a real process
| (`node ace streamer --config --run --monitor`), and a real listener whose
| bytes are decoded (ffmpeg) to find the silences. Then:
|   - N kills (-9) of Liquidsoap, 30 s apart, every other one during a diffusion;
|   - M kills (-9) of the streamer, each followed by a new streamer.
| Figures: listener disconnects (goal 0); the audio gap of each Liquidsoap
| kill, from the listener's decoded bytes (goal median <= 3 s, max <= 5 s),
| beside Liquidsoap's own spawn-to-socket time (the floor); the gap of each
| streamer restart (goal 0); late starts; log rows doubled or missing (goal 0).
| BENCH_KILLS (10), BENCH_RESTARTS (5), BENCH_INTERVAL (30 s) shorten it.
| Runs on SQLite in tmp/bench-continuity/.
*/
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { benchWorkspace, bootApp, root } from './boot.js'
import { SilenceMeter } from './silence_meter.js'
import { sleep, median, seconds } from './figures.js'

const run = promisify(execFile)
const PORT = 8021
const PASSWORD = 'benchpw'
const MOUNT = '/bench.mp3'
const KILLS = Number(process.env.BENCH_KILLS ?? 10)
const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 5)
const INTERVAL = Number(process.env.BENCH_INTERVAL ?? 30) * 1000

/** A silence shorter than this is a track boundary, not a gap. */
const MIN_GAP_MS = 150

const work = await benchWorkspace('bench-continuity')
const app = await bootApp()

await app.start(async () => {
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { DateTime } = await import('luxon')
  const { default: Station } = await import('#models/station')
  const { default: Sound } = await import('#models/sound')
  const { default: Episode } = await import('#models/episode')
  const { default: Diffusion } = await import('#models/diffusion')
  const { makeMusic } = await import('#demo/demo_audio')
  const { stationPaths } = await import('#streamer/station_config')
  const { fromSqlDateTime } = await import('#models/columns')

  await ace.exec('migration:fresh', ['--force'])
  const audio = (name: string) => join(work, 'audio', name)
  await mkdir(join(work, 'audio'), { recursive: true })
  await Promise.all(
    [1, 2, 3].map((i) =>
      makeMusic(audio(`r${i}.mp3`), 25, i, { title: `Rotation ${i}`, artist: 'Bench' })
    )
  )
  await makeMusic(audio('show.mp3'), 40, 5, { title: 'Show', artist: 'Bench' })

  const station = await Station.create({
    name: 'Bench',
    slug: 'bench',
    timezone: 'Europe/Brussels',
    active: true,
    isDefault: false,
  })
  await station.related('outputs').create({
    type: 'icecast',
    host: '127.0.0.1',
    port: PORT,
    mount: MOUNT,
    password: PASSWORD,
    format: 'mp3',
    bitrate: 128,
    active: true,
  })
  const rotation = await station
    .related('programs')
    .create({ title: 'Rotation', slug: 'rotation', active: true })
  await rotation.related('stream').create({ begin: null, end: null, delay: 0 })
  for (const i of [1, 2, 3])
    await Sound.create({
      programId: rotation.id,
      name: `r${i}.mp3`,
      path: audio(`r${i}.mp3`),
      type: 'archive',
      duration: 25,
      isPublic: true,
      isGoodQuality: true,
    })
  const show = await station
    .related('programs')
    .create({ title: 'Show', slug: 'show', active: true })

  // The plan: kill i at t0 + 20 s + i × interval; even kills land 12 s into a diffusion.
  const t0 = Date.now() + 25_000
  const killAt = Array.from({ length: KILLS }, (_, i) => t0 + 20_000 + i * INTERVAL)
  const diffusionIds: number[] = []
  for (const [i, at] of killAt.entries()) {
    if (i % 2) continue
    const start = DateTime.fromMillis(at - 12_000, { zone: 'utc' }).startOf('second')
    const episode = await Episode.create({
      programId: show.id,
      title: `Show ${i}`,
      slug: `show-${i}`,
    })
    await copyFile(audio('show.mp3'), audio(`show-${i}.mp3`))
    await Sound.create({
      programId: show.id,
      episodeId: episode.id,
      name: `show-${i}.mp3`,
      path: audio(`show-${i}.mp3`),
      type: 'archive',
      duration: 40,
      isPublic: false,
    })
    diffusionIds.push(
      (
        await Diffusion.create({
          episodeId: episode.id,
          programId: show.id,
          type: 'on_air',
          start,
          end: start.plus({ seconds: 45 }),
        })
      ).id
    )
  }

  await run('bash', [join(root, 'bin/icecast'), String(PORT), PASSWORD], {
    cwd: root,
    env: process.env,
  })
  let streamer: ChildProcess
  const startStreamer = () => {
    streamer = spawn(
      process.execPath,
      ['ace', 'streamer', '--config', '--run', '--monitor', '--station', 'bench', '--delay', '250'],
      {
        cwd: root,
        env: process.env,
        stdio: 'ignore',
      }
    )
  }
  startStreamer()
  const paths = stationPaths(station)
  const liquidsoapPid = async () =>
    Number((await readFile(paths.pid, 'utf8').catch(() => '0')).trim())

  // The listener: one HTTP response, decoded as it comes.
  let disconnects = 0
  const meter = new SilenceMeter(MIN_GAP_MS)
  const listen = () =>
    http
      .get({ host: '127.0.0.1', port: PORT, path: MOUNT }, (response) => {
        if (response.statusCode !== 200) {
          response.resume()
          setTimeout(listen, 200)
          return
        }
        response.on('data', (chunk) => meter.write(chunk))
        response.on('end', () => {
          disconnects++
          setTimeout(listen, 200)
        })
      })
      .on('error', () => setTimeout(listen, 200))

  // Wait for the station, then the listener.
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${PORT}/status-json.xsl`)
      .then((r) => r.text())
      .catch(() => '')
    if (status.includes(MOUNT)) break
    await sleep(200)
  }
  listen()
  /** The longest silence heard after a fault at `wall` (within 10 s of stream). */
  const gapAfter = (wall: number) => meter.gapAfter(wall, 2, 12)

  console.log(
    `bench:continuity — ${KILLS} kills of Liquidsoap ${INTERVAL / 1000} s apart (${diffusionIds.length} during a diffusion), then ${RESTARTS} streamer restarts`
  )
  const liquidsoapKills: number[] = []
  for (const at of killAt) {
    await sleep(Math.max(0, at - Date.now()))
    const pid = await liquidsoapPid()
    if (pid) process.kill(pid, 'SIGKILL')
    liquidsoapKills.push(Date.now())
  }
  await sleep(15_000)
  const restarts: number[] = []
  for (let i = 0; i < RESTARTS; i++) {
    streamer!.kill('SIGKILL')
    restarts.push(Date.now())
    await sleep(300)
    startStreamer()
    await sleep(Math.min(INTERVAL, 20_000))
  }
  await sleep(5000)

  // Figures.
  const gaps = liquidsoapKills.map(gapAfter)
  const restartGaps = restarts.map(gapAfter)
  const events = await db
    .from('events')
    .where('station', 'bench')
    .whereIn('type', ['streamer_restarted', 'streamer_started'])
  const startups = events
    .map((e) => JSON.parse(e.payload).startup_ms)
    .filter((v) => typeof v === 'number')
  const adopted = events.filter((e) => JSON.parse(e.payload).adopted).length
  const logs = await db.from('logs').where('station_id', station.id).orderBy('id')
  const at = (value: unknown) => fromSqlDateTime(value)!.toMillis()
  const keys = logs
    .filter((l) => l.sound_id || l.track_id)
    .map((l) => `${l.sound_id ?? ''}/${l.track_id ?? ''}@${at(l.date)}`)
  const doubled = keys.length - new Set(keys).size
  const diffusions = await db.from('diffusions').whereIn('id', diffusionIds)
  const late: number[] = []
  let missing = 0
  for (const diffusion of diffusions) {
    const starts = logs.filter((l) => l.type === 'start' && l.diffusion_id === diffusion.id)
    if (starts.length !== 1) missing += starts.length === 0 ? 1 : 0
    if (starts.length > 1) console.log(`  diffusion ${diffusion.id}: ${starts.length} start rows`)
    if (starts[0]) late.push(at(starts[0].date) - at(diffusion.start))
  }
  const doubledStarts = diffusions.reduce(
    (n, d) =>
      n + Math.max(0, logs.filter((l) => l.type === 'start' && l.diffusion_id === d.id).length - 1),
    0
  )

  console.log(`listener disconnects: ${disconnects} (goal 0)`)
  console.log(`audio gap per Liquidsoap kill (s): ${gaps.map(seconds).join(' ')}`)
  console.log(
    `  min ${seconds(Math.min(...gaps))}, median ${seconds(median(gaps))}, max ${seconds(Math.max(...gaps))} (goal median <= 3, max <= 5)`
  )
  console.log(
    `Liquidsoap spawn to socket (the floor, s): median ${seconds(median(startups))}, max ${seconds(Math.max(...startups))} over ${startups.length} starts`
  )
  console.log(
    `audio gap per streamer restart (s): ${restartGaps.map(seconds).join(' ')}; adopted ${adopted} of ${RESTARTS} (goal 0 s, all adopted)`
  )
  console.log(`diffusion start offsets (ms): ${late.join(' ')}`)
  console.log(
    `log rows doubled: ${doubled + doubledStarts}; diffusions without a start row: ${missing} (goal 0)`
  )

  streamer!.kill('SIGTERM')
  await new Promise((r) => streamer!.once('exit', r))
  meter.stop()
  await run('bash', [join(root, 'bin/icecast'), 'stop', String(PORT)], { cwd: root })
  await app.terminate()
})
