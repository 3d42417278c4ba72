/*
| npm run bench:library — the library's figures. Prints, asserts nothing.
|
| 1. Scans of 1,000 and 10,000 short files of mixed formats (mp3, ogg,
|    opus, flac, wav, m4a) in 10 program folders: a cold scan's files/s and a
|    rescan with nothing changed, in seconds. Goals: >= 200 files/s on
|    2 cores; a no-change rescan of 10,000 files under 3 s.
| 2. Loudness and quality analysis (`--quality-check`, one worker) of 30 min
|    of audio, as a multiple of real time per core (our CPU and ffmpeg's),
|    beside loudgain and ffmpeg's ebur128 filter on the same files. Goal:
|    >= 100x real time per core.
| Runs on SQLite in tmp/bench-library/ (about 4 minutes, 700 MB of disk).
*/
import { execFile, spawnSync } from 'node:child_process'
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { benchWorkspace, bootApp } from './boot.js'

const run = promisify(execFile)
const work = await benchWorkspace('bench-library')

/** CPU seconds of this process and of its waited-for children (ffmpeg), from /proc. */
async function cpuSeconds() {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1].split(' ')
  // utime, stime, cutime, cstime are fields 14-17 of stat(5), 12-15 after the command name.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0)
  return ticks / 100
}

const FORMATS = [
  ['mp3', ['-b:a', '128k']],
  ['ogg', ['-c:a', 'libvorbis', '-q:a', '4']],
  ['opus', ['-c:a', 'libopus', '-b:a', '96k']],
  ['flac', []],
  ['wav', ['-ac', '1', '-ar', '22050']],
  ['m4a', ['-c:a', 'aac', '-b:a', '128k']],
] as const

/** One short tagged file per format and seed: the templates the folders are filled with. */
async function templates(seconds: number) {
  const dir = join(work, 'templates')
  await mkdir(dir, { recursive: true })
  const made: string[] = []
  for (const [extension, codec] of FORMATS) {
    for (const seed of [0, 1]) {
      const path = join(dir, `t${seed}-${seconds}.${extension}`)
      await run('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${330 + seed * 110}:duration=${seconds}`,
        '-af',
        'volume=3',
        '-ac',
        '2',
        ...codec,
        '-metadata',
        `title=Template ${seed}`,
        '-metadata',
        'artist=Bench',
        path,
      ])
      made.push(path)
    }
  }
  return made
}

const app = await bootApp()

await app.start(async () => {
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { default: Station } = await import('#models/station')
  const { SoundLibrary } = await import('#library/sound_library')
  await ace.exec('migration:run', ['--force'])

  const cores = availableParallelism()
  const station = await Station.create({
    name: 'Bench',
    slug: 'bench',
    timezone: 'Europe/Brussels',
    active: true,
    isDefault: false,
  })
  const quiet = {
    info: () => {},
    warn: (m: string) => console.warn(m),
    error: (m: string) => console.error(m),
  }
  const library = (workers: number) => SoundLibrary.configured(quiet, { workers })

  console.log(`Library bench on ${cores} cores (Node ${process.versions.node})\n`)
  const shorts = await templates(1)

  console.log('1. Scans (10 program folders, files of 1 s in 6 formats)')
  for (const count of [1000, 10_000]) {
    const programs = []
    for (let p = 0; p < 10; p++) {
      programs.push(
        await station
          .related('programs')
          .create({ title: `P${count}-${p}`, slug: `p${count}-${p}`, active: true })
      )
    }
    const ids = programs.map((p) => p.id)
    const pending: Array<Promise<void>> = []
    for (let i = 0; i < count; i++) {
      const template = shorts[i % shorts.length]
      const extension = template.slice(template.lastIndexOf('.'))
      const dir = join(programs[i % 10].archivesDir)
      if (i < 10) await mkdir(dir, { recursive: true })
      pending.push(copyFile(template, join(dir, `sound_${String(i).padStart(5, '0')}${extension}`)))
      if (pending.length >= 64) await Promise.all(pending.splice(0))
    }
    await Promise.all(pending)
    spawnSync('sync')

    const cold = await library(cores).scan(ids)
    const again = await library(cores).scan(ids)
    console.log(
      `   ${String(count).padStart(6)} files: cold scan ${cold.seconds.toFixed(2)} s = ${(count / cold.seconds).toFixed(0)} files/s` +
        ` (${cold.added} added, ${cold.warnings} warnings); no-change rescan ${again.seconds.toFixed(2)} s (${again.unchanged} unchanged)`
    )
  }

  console.log('\n2. Loudness and quality analysis (one worker), 30 min of audio in 6 formats')
  const longs = (await templates(150)).slice()
  const program = await station
    .related('programs')
    .create({ title: 'Long', slug: 'long', active: true })
  await mkdir(program.archivesDir, { recursive: true })
  for (const [i, template] of longs.entries())
    await copyFile(
      template,
      join(program.archivesDir, `long_${i}${template.slice(template.lastIndexOf('.'))}`)
    )
  const lib = library(1)
  await lib.scan([program.id])
  let before = await cpuSeconds()
  const quality = await lib.checkQuality({ programIds: [program.id] })
  let cpu = (await cpuSeconds()) - before
  console.log(
    `   Antenne (one decode: loudness, true peak, LRA, RMS samples, silences, clipping): ${quality.audioSeconds.toFixed(0)} s of audio,` +
      ` ${quality.seconds.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU = ${(quality.audioSeconds / cpu).toFixed(0)}x real time per core`
  )
  const files = longs
  before = await cpuSeconds()
  for (const file of files) spawnSync('loudgain', ['-q', '-s', 's', '-O', file])
  cpu = (await cpuSeconds()) - before
  console.log(
    `   loudgain (loudness, true peak, range):          ${(quality.audioSeconds / cpu).toFixed(0)}x real time per core`
  )
  before = await cpuSeconds()
  for (const file of files)
    spawnSync('ffmpeg', ['-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'])
  cpu = (await cpuSeconds()) - before
  console.log(
    `   ffmpeg ebur128=peak=true (loudness, true peak): ${(quality.audioSeconds / cpu).toFixed(0)}x real time per core`
  )
})
await app.terminate()
