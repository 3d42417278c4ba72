/*
| bench:streamer, part 3 — the real scale: how many real Liquidsoap stations
| this machine carries with every diffusion still starting within 100 ms (p95).
|
| Each station is its own Liquidsoap, started by the real Streamer (--config
| --run --monitor, 1 s ticks, fallback sources), with an Icecast output on one
| local Icecast (bin/icecast on port 8023, started once every output exists).
| The stations are added step by step (1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64;
| those already on air keep running, the new ones start 4 at a time); at each
| step every station gets DIFFUSIONS diffusions, 6 s apart and staggered by
| the station's rank over 6 s, and the step reports the p95 of all their
| start offsets (the start the script observed minus the scheduled start, as
| in part 1), this process's CPU (the streamer: monitors, fallbacks, journal)
| as a share of one core, and the Liquidsoaps' CPU (/proc/<pid>/stat) as a
| share of the machine, both over the step's diffusions. It stops at the first
| step that misses the goal (or leaves a diffusion unstarted) or saturates the
| machine (Liquidsoap over 90 %, this process over 90 % of a core, or a new
| Liquidsoap that does not answer within the supervisor's 20 s).
| BENCH_SCALE=0 skips it; BENCH_SCALE_MAX (64) bounds it; BENCH_SCALE_STEPS
| (a comma list) replaces the ramp.
*/
import { execFile } from 'node:child_process'
import { link, mkdir, readFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Station from '#models/station'
import Sound from '#models/sound'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import type Program from '#models/program'
import { makeMusic } from '#demo/demo_audio'
import { Streamer } from '#streamer/streamer'
import { root } from './boot.js'
import { sleep } from './figures.js'

const run = promisify(execFile)
const PORT = 8023
const PASSWORD = 'benchscale'
const GOAL_MS = 100
const DIFFUSIONS = 4
/** Seconds between two diffusions of a station; the stations' starts are spread over it. */
const PERIOD = 6
/** New Liquidsoaps started at once: a herd of them would only measure their start-up. */
const BATCH = 4
/** Seconds of the rotation's one track: longer than the run, so that it never ends mid-step. */
const FILLER = 1200
const RAMP = [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64]
/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK). */
const HZ = 100

interface Logger {
  info(m: string): void
  warn(m: string): void
  error(m: string): void
}

interface ScaleStation {
  station: Station
  show: Program
  episodes: Episode[]
}

export interface StepFigure {
  stations: number
  p95: number
  started: number
  expected: number
  monitorCore: number
  liquidsoapMachine: number
}

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length - 1) * p))
  ]

/** utime + stime of a process, in seconds; 0 once it is gone. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
  if (!stat) return 0
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / HZ
}

function ramp(): number[] {
  const max = Number(process.env.BENCH_SCALE_MAX ?? 64)
  const steps = process.env.BENCH_SCALE_STEPS
    ? process.env.BENCH_SCALE_STEPS.split(',').map(Number)
    : RAMP
  return steps.filter((n) => n > 0 && n <= max).sort((a, b) => a - b)
}

/** A station with an Icecast output on PORT, a rotation and DIFFUSIONS episodes with a sound each. */
async function makeStation(
  i: number,
  audio: { filler: string; shows: string[] },
  dir: string
): Promise<ScaleStation> {
  const slug = `scale-${i}`
  const station = await Station.create({
    name: `Scale ${i}`,
    slug,
    timezone: 'Europe/Brussels',
    active: true,
    isDefault: false,
  })
  await station.related('outputs').create({
    type: 'icecast',
    host: '127.0.0.1',
    port: PORT,
    mount: `/${slug}.mp3`,
    password: PASSWORD,
    format: 'mp3',
    bitrate: 128,
    active: true,
  })
  const rotation = await station
    .related('programs')
    .create({ title: 'Rotation', slug: 'rotation', active: true })
  await rotation.related('stream').create({ begin: null, end: null, delay: 0 })
  // Sound paths are unique: each station has its own names (hard links) for the same files.
  await mkdir(join(dir, slug), { recursive: true })
  const filler = join(dir, slug, 'filler.mp3')
  await link(audio.filler, filler)
  await Sound.create({
    programId: rotation.id,
    name: 'filler',
    path: filler,
    type: 'archive',
    duration: FILLER,
    isPublic: true,
    isGoodQuality: true,
  })
  const show = await station
    .related('programs')
    .create({ title: 'Show', slug: 'show', active: true })
  const episodes: Episode[] = []
  for (const [k, source] of audio.shows.entries()) {
    const episode = await Episode.create({
      programId: show.id,
      title: `Show ${k}`,
      slug: `show-${k}`,
    })
    const path = join(dir, slug, `show-${k}.mp3`)
    await link(source, path)
    await Sound.create({
      programId: show.id,
      episodeId: episode.id,
      name: `show-${k}`,
      path,
      type: 'archive',
      duration: 2.5,
      isPublic: true,
    })
    episodes.push(episode)
  }
  return { station, show, episodes }
}

/** Runs the ramp; returns each step's figures. Everything it starts is stopped, also on failure. */
export async function realScale(work: string, quiet: Logger): Promise<StepFigure[]> {
  const steps = ramp()
  if (process.env.BENCH_SCALE === '0' || !steps.length) {
    console.log('\nReal scale: skipped (BENCH_SCALE=0 or no step under BENCH_SCALE_MAX)')
    return []
  }
  const max = steps[steps.length - 1]
  const dir = join(work, 'scale')
  const audio = {
    filler: await makeMusic(join(dir, 'filler.mp3'), FILLER, 1, {
      title: 'Filler',
      artist: 'Bench',
    }),
    shows: await Promise.all(
      Array.from({ length: DIFFUSIONS }, (_, k) =>
        makeMusic(join(dir, `show-${k}.mp3`), 2.5, k + 2, {
          title: `Show ${k}`,
          artist: 'Bench',
        })
      )
    ),
  }
  const all: ScaleStation[] = []
  for (let i = 0; i < max; i++) all.push(await makeStation(i, audio, dir))

  const streamers: Streamer[] = []
  const pids = () =>
    streamers.flatMap((s) => s.runtimes.map((r) => r.supervisor?.pid ?? 0)).filter(Boolean)
  let icecastUp = false
  const stopAll = async () => {
    const known = pids()
    await Promise.all(streamers.map((s) => s.stop().catch(() => {})))
    // Whatever did not stop with its supervisor goes by its pid.
    for (const pid of known) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    if (icecastUp) await run('bash', [join(root, 'bin/icecast'), 'stop', String(PORT)])
  }
  const interrupted = async () => {
    await stopAll()
    process.exit(130)
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)

  const figures: StepFigure[] = []
  try {
    // bin/icecast writes the mounts of the outputs on PORT (node ace icecast:config): all exist now.
    await run('bash', [join(root, 'bin/icecast'), String(PORT), PASSWORD], {
      cwd: root,
      env: process.env,
    })
    icecastUp = true
    console.log(
      `\nReal scale: up to ${max} real Liquidsoaps (${cpus().length} cores), each with an Icecast output on 127.0.0.1:${PORT}; ${DIFFUSIONS} diffusions per station per step; goal p95 <= ${GOAL_MS} ms`
    )
    let running = 0
    for (const n of steps) {
      const startedAt = Date.now()
      try {
        for (let from = running; from < n; from += BATCH) {
          const batch = all.slice(from, Math.min(n, from + BATCH)).map((s) => s.station)
          const streamer = new Streamer(
            { config: true, run: true, monitor: true, delay: 1000, timeout: 20 },
            quiet
          )
          streamers.push(streamer)
          await streamer.configure(batch)
          await streamer.start(batch)
        }
      } catch (error) {
        // A Liquidsoap that cannot come up within the supervisor's wait: the machine is full.
        console.log(
          `  stop: the machine is saturated at ${n} stations, ${(error as Error).message}`
        )
        break
      }
      const startup = Date.now() - startedAt
      running = n
      await sleep(3000)

      // Diffusions: station j's k-th starts at first + k × PERIOD + (j mod PERIOD) seconds.
      // Past the cue lead (10 s) once every row is written, however many there are.
      const first = DateTime.utc()
        .plus({ seconds: 15 + Math.ceil(n / 8) })
        .startOf('second')
      const ids: number[] = []
      for (const [j, { show, episodes }] of all.slice(0, n).entries()) {
        for (const [k, episode] of episodes.entries()) {
          const start = first.plus({ seconds: k * PERIOD + (j % PERIOD) })
          const diffusion = await Diffusion.create({
            episodeId: episode.id,
            programId: show.id,
            type: 'on_air',
            start,
            end: start.plus({ seconds: 3 }),
          })
          ids.push(diffusion.id)
        }
      }
      const last = first.plus({ seconds: (DIFFUSIONS - 1) * PERIOD + Math.min(n, PERIOD) - 1 })

      // The window: from the diffusions written to the last one's end.
      const liquidsoaps = pids()
      const ls0 = await Promise.all(liquidsoaps.map(cpuSeconds))
      const cpu0 = process.cpuUsage()
      const t0 = Date.now()
      await sleep(last.toMillis() + 5000 - Date.now())
      const cpu = process.cpuUsage(cpu0)
      const ls1 = await Promise.all(liquidsoaps.map(cpuSeconds))
      const elapsed = (Date.now() - t0) / 1000
      const monitorCore = ((cpu.user + cpu.system) / 1e6 / elapsed) * 100
      const lsSeconds = ls1.reduce((sum, s, i) => sum + Math.max(0, s - ls0[i]), 0)
      const liquidsoapMachine = (lsSeconds / elapsed / cpus().length) * 100

      const starts = await db
        .from('logs')
        .where('type', 'start')
        .whereIn('diffusion_id', ids)
        .select('diffusion_id', 'date')
      const diffusions = await Diffusion.query().whereIn('id', ids)
      const offsets = starts.map((s) => {
        const scheduled = diffusions.find((d) => d.id === s.diffusion_id)!.start.toMillis()
        return DateTime.fromSQL(String(s.date), { zone: 'utc' }).toMillis() - scheduled
      })
      const figure: StepFigure = {
        stations: n,
        p95: offsets.length ? pct(offsets, 0.95) : Number.NaN,
        started: new Set(starts.map((s) => s.diffusion_id)).size,
        expected: ids.length,
        monitorCore,
        liquidsoapMachine,
      }
      figures.push(figure)
      const sorted = [...offsets].sort((a, b) => a - b)
      console.log(
        `  ${String(n).padStart(3)} stations: ${figure.started} of ${figure.expected} diffusions started, offsets median ${pct(offsets, 0.5)} ms, p95 ${figure.p95} ms, max ${sorted[sorted.length - 1]} ms; monitor ${monitorCore.toFixed(1)} % of a core, Liquidsoap ${liquidsoapMachine.toFixed(1)} % of the machine (${((lsSeconds / elapsed / n) * 100).toFixed(1)} % of a core each); ${n - (figures.at(-2)?.stations ?? 0)} started in ${(startup / 1000).toFixed(1)} s`
      )
      if (figure.started < figure.expected || !(figure.p95 <= GOAL_MS)) {
        console.log(`  stop: the goal is missed at ${n} stations`)
        break
      }
      if (liquidsoapMachine > 90 || monitorCore > 90) {
        console.log(`  stop: the machine is saturated at ${n} stations`)
        break
      }
    }
  } finally {
    await stopAll()
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
  }

  const passed = figures.filter((f) => f.started === f.expected && f.p95 <= GOAL_MS).at(-1)
  if (passed) {
    console.log(
      `real scale: ${passed.stations} stations with p95 start offset ${passed.p95} ms (goal <= ${GOAL_MS} ms); monitor ${passed.monitorCore.toFixed(1)} % of a core, Liquidsoap ${passed.liquidsoapMachine.toFixed(1)} % of the machine at ${passed.stations}${passed === figures.at(-1) && passed.stations === max ? ` (the ramp's last step, not the machine's limit)` : ''}`
    )
  } else {
    console.log(`real scale: no step met the goal (p95 <= ${GOAL_MS} ms)`)
  }
  return figures
}
