/*
| npm run bench:streamer — the streamer's figures. Prints, asserts nothing.
|
| 1. Start offsets: 20 diffusions, 4 s apart, played by a real Liquidsoap
|    under the streamer (--run --monitor, 1 s ticks): the start time the
|    script observed minus the scheduled start (median, p95, max).
| 2. The monitor's cost per tick: CPU and database queries, for 1 station on
|    the real Liquidsoap, then 20 and 100 stations on simulated peers
|    (bench/fake_liquidsoap.ts). Goals: median offset <= 100 ms, p95 <= 300 ms;
|    0 queries per steady tick; 100 stations under 10 % of one core.
| 3. The real scale (bench/streamer_scale.ts): real Liquidsoap stations, each
|    with an Icecast output (one Icecast on port 8023), added 1, 2, 4, 6, 8,
|    12, 16 … until a step's p95 start offset passes 100 ms or the machine is
|    saturated; per step the p95, this process's CPU (% of a core) and the
|    Liquidsoaps' (% of the machine). BENCH_SCALE=0 skips it, BENCH_SCALE_MAX
|    (64) or BENCH_SCALE_STEPS (1,4,8) bound it.
| Runs on SQLite in tmp/bench-streamer/.
*/
import { spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { benchWorkspace, bootApp, root } from './boot.js'

const work = await benchWorkspace('bench-streamer')

const app = await bootApp()

await app.start(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { DateTime } = await import('luxon')
  const { default: Station } = await import('#models/station')
  const { default: Sound } = await import('#models/sound')
  const { default: Diffusion } = await import('#models/diffusion')
  const { default: Episode } = await import('#models/episode')
  const { makeMusic } = await import('#demo/demo_audio')
  const { Streamer } = await import('#streamer/streamer')
  const { StationMonitor } = await import('#streamer/station_monitor')
  const { LiquidsoapClient } = await import('#streamer/telnet')
  const { LogJournal } = await import('#streamer/log_journal')
  const { stationPaths, writeStationConfig } = await import('#streamer/station_config')

  await ace.exec('migration:fresh', ['--force'])
  let queries = 0
  db.connection()
    .getWriteClient()
    .on('query', () => queries++)
  const quiet = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) }
  const pct = (values: number[], p: number) =>
    [...values].sort((a, b) => a - b)[
      Math.min(values.length - 1, Math.floor((values.length - 1) * p))
    ]

  async function makeStation(slug: string) {
    const station = await Station.create({
      name: slug,
      slug,
      timezone: 'Europe/Brussels',
      active: true,
      isDefault: false,
    })
    await station.related('outputs').create({
      type: 'file',
      mount: 'bench-%H%M%S.mp3',
      format: 'mp3',
      bitrate: 128,
      active: true,
    })
    const rotation = await station
      .related('programs')
      .create({ title: 'Rotation', slug: 'rotation', active: true })
    await rotation.related('stream').create({ begin: null, end: null, delay: 0 })
    return { station, rotation }
  }

  /** Wraps each tick to record its CPU time and queries; `steady` skips the first ticks (catalog load). */
  function measure(monitors: InstanceType<typeof StationMonitor>[]) {
    const perTick: number[] = []
    let cpu = 0
    for (const monitor of monitors) {
      const tick = monitor.tick.bind(monitor)
      monitor.tick = async () => {
        const q = queries
        const c = process.cpuUsage()
        const report = await tick()
        const used = process.cpuUsage(c)
        cpu += (used.user + used.system) / 1000
        perTick.push(queries - q)
        return report
      }
    }
    return { perTick, cpu: () => cpu }
  }

  // ---- 1. start offsets on a real Liquidsoap -------------------------------
  const { station, rotation } = await makeStation('bench-real')
  const audio = join(work, 'audio')
  const filler = await makeMusic(join(audio, 'filler.mp3'), 30, 1, {
    title: 'Filler',
    artist: 'Bench',
  })
  await Sound.create({
    programId: rotation.id,
    name: 'filler',
    path: filler,
    type: 'archive',
    duration: 30,
    isPublic: true,
    isGoodQuality: true,
  })
  const show = await station
    .related('programs')
    .create({ title: 'Show', slug: 'show', active: true })
  const count = 20
  const first = DateTime.utc().plus({ seconds: 20 }).startOf('second')
  const files = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      makeMusic(join(audio, `show-${i}.mp3`), 2.5, i + 2, { title: `Show ${i}`, artist: 'Bench' })
    )
  )
  for (const [i, path] of files.entries()) {
    const episode = await Episode.create({
      programId: show.id,
      title: `Show ${i}`,
      slug: `show-${i}`,
    })
    await Sound.create({
      programId: show.id,
      episodeId: episode.id,
      name: `show-${i}`,
      path,
      type: 'archive',
      duration: 2.5,
      isPublic: true,
    })
    const start = first.plus({ seconds: i * 4 })
    await Diffusion.create({
      episodeId: episode.id,
      programId: show.id,
      type: 'on_air',
      start,
      end: start.plus({ seconds: 3 }),
    })
  }
  await writeStationConfig(station)
  const streamer = new Streamer(
    { config: true, run: true, monitor: true, delay: 1000, timeout: 20 },
    quiet
  )
  const startedAt = Date.now()
  await streamer.start([station])
  const real = measure([streamer.runtimes[0].monitor!])
  console.log(
    `Liquidsoap up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; playing ${count} diffusions from ${first.toISO()} (about ${Math.round((first.toMillis() + count * 4000 - Date.now()) / 1000)} s)`
  )
  await new Promise((r) => setTimeout(r, first.toMillis() + count * 4000 + 3000 - Date.now()))
  const cpuBefore = real.cpu()
  const ticksBefore = real.perTick.length
  await new Promise((r) => setTimeout(r, 10_000))
  const steadyTicks = real.perTick.slice(ticksBefore)
  const steadyCpu = real.cpu() - cpuBefore
  await streamer.stop()

  const starts = await db
    .from('logs')
    .where('type', 'start')
    .where('station_id', station.id)
    .select('diffusion_id', 'date')
  const diffusions = await Diffusion.query().whereIn(
    'id',
    starts.map((s) => s.diffusion_id)
  )
  const offsets = starts.map((s) => {
    const scheduled = diffusions.find((d) => d.id === s.diffusion_id)!.start.toMillis()
    return DateTime.fromSQL(String(s.date), { zone: 'utc' }).toMillis() - scheduled
  })
  const cancelled = await db
    .from('logs')
    .where('type', 'cancel')
    .where('station_id', station.id)
    .count('* as n')
    .first()
  console.log(
    `\nStart offsets, real Liquidsoap: ${offsets.length} of ${count} diffusions started, ${cancelled?.n ?? 0} cancelled`
  )
  console.log(
    `  median ${pct(offsets, 0.5)} ms, p95 ${pct(offsets, 0.95)} ms, max ${Math.max(...offsets.map(Math.abs))} ms (absolute); all: ${offsets.join(' ')}`
  )
  console.log(`\nMonitor cost, 1 station, real Liquidsoap, steady (10 s after the last diffusion):`)
  console.log(
    `  ${steadyTicks.length} ticks, ${(steadyCpu / steadyTicks.length).toFixed(3)} ms CPU per tick, queries per tick: max ${Math.max(...steadyTicks)}, total ${steadyTicks.reduce((a, b) => a + b, 0)}`
  )
  console.log(
    `  whole run: ${real.perTick.length} ticks, ${real.perTick.reduce((a, b) => a + b, 0)} queries (catalog loads and log writes), ${real.perTick.filter((q) => q === 0).length} ticks with none`
  )

  // ---- 2. many stations on simulated peers ---------------------------------
  for (const n of [20, 100]) {
    const stations = []
    for (let i = 0; i < n; i++) stations.push((await makeStation(`bench-${n}-${i}`)).station)
    for (const s of stations) await mkdir(stationPaths(s).dir, { recursive: true })
    const peer = spawn(
      process.execPath,
      [
        '--import=ts-node-maintained/register/esm',
        join(root, 'bench/fake_liquidsoap.ts'),
        ...stations.map((s) => stationPaths(s).socket),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
    )
    await new Promise((resolve) => peer.stdout!.once('data', resolve))
    const monitors = stations.map(
      (s) =>
        new StationMonitor(
          s,
          new LiquidsoapClient({ path: stationPaths(s).socket }),
          new LogJournal(stationPaths(s).journal, quiet),
          quiet,
          { cancelTimeout: 20 }
        )
    )
    const m = measure(monitors)
    // Warm-up: each monitor loads its catalog and playlists once.
    for (let t = 0; t < 3; t++) await Promise.all(monitors.map((monitor) => monitor.tick()))
    const from = m.perTick.length
    const wall0 = process.cpuUsage()
    const seconds = 20
    const t0 = Date.now()
    for (let t = 0; t < seconds; t++) {
      const tickStart = Date.now()
      await Promise.all(monitors.map((monitor) => monitor.tick()))
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tickStart))))
    }
    const elapsed = Date.now() - t0
    const processCpu = process.cpuUsage(wall0)
    const steady = m.perTick.slice(from)
    console.log(
      `\nMonitor cost, ${n} stations, simulated peers, 1 tick per second for ${seconds} s:`
    )
    const processMs = (processCpu.user + processCpu.system) / 1000
    console.log(
      `  ${steady.length} ticks, ${(processMs / steady.length).toFixed(3)} ms of process CPU per station tick, process CPU ${(((processCpu.user + processCpu.system) / 1000 / elapsed) * 100).toFixed(2)} % of one core; queries per steady tick: max ${Math.max(...steady)}, total ${steady.reduce((a, b) => a + b, 0)}`
    )
    for (const monitor of monitors) await monitor.client.close()
    peer.kill()
  }

  // ---- 3. the real scale: many real Liquidsoaps -----------------------------
  const { realScale } = await import('./streamer_scale.js')
  await realScale(work, quiet)
})
await app.terminate()
