import { test } from '@japa/runner'
import { execFile, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import type Episode from '#models/episode'
import type Diffusion from '#models/diffusion'
import type Program from '#models/program'
import Sound from '#models/sound'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory } from '#database/factories/sound_factories'
import { makeMusic } from '#demo/demo_audio'
import { SoundLibrary } from '#library/sound_library'
import { duration } from '#streamer/fallback_source'
import { stationPaths } from '#streamer/station_config'
import {
  liveSource,
  mountsOnAir,
  startIcecast,
  startOnAir,
  waitFor,
  type OnAirStack,
} from '#tests/on_air_stack'

const run = promisify(execFile)
const ICECAST_PORT = 8021
const HARBOR_PORT = 8022
const MOUNT = '/live-recording.mp3'
const STUDIO_KEY = 'studio-key-for-the-recording-test'

const said: string[] = []
const logger = {
  info: (m: string) => said.push(`info ${m}`),
  warn: (m: string) => said.push(`warn ${m}`),
  error: (m: string) => said.push(`error ${m}`),
}
const context = () => `\n${said.slice(-15).join('\n')}`

const studio = (file: string) => liveSource(HARBOR_PORT, 'source', STUDIO_KEY, file).child

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('close', () => resolve())
    child.kill('SIGTERM')
  })

test.group('A live show recorded into its episode, and its rerun playing it', (group) => {
  group.each.timeout(120_000)
  const dir = app.makePath('tmp/test/live-recording')
  const audio = (name: string) => join(dir, 'audio', name)
  let station: Station
  let stack: OnAirStack
  let show: Program
  let episode: Episode
  let live: Diffusion
  let rerun: Diffusion
  /** When Liquidsoap recorded each part, as the monitor saw it: part path → [first, last] ms. */
  const recorded = new Map<string, [number, number]>()

  group.setup(async () => {
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, 'audio'), { recursive: true })
    await startIcecast(ICECAST_PORT, 'liverecordingpw')
    await Promise.all([
      makeMusic(audio('r1.mp3'), 6, 1, { title: 'Rotation' }),
      makeMusic(audio('studio.mp3'), 60, 5, { title: 'Studio' }),
    ])
    station = await StationFactory.merge({
      slug: `live-recording-${Date.now()}`,
      path: join(dir, 'station'),
      harborPort: HARBOR_PORT,
      harborPassword: STUDIO_KEY,
      liveMarginBefore: 30,
      liveMarginAfter: 2,
      liveRecordFormat: 'mp3',
    }).create()
    await OutputFactory.merge({
      stationId: station.id,
      port: ICECAST_PORT,
      mount: MOUNT,
      password: 'liverecordingpw',
    }).create()
    const rotation = await ProgramFactory.merge({
      stationId: station.id,
      slug: 'rotation',
    }).create()
    await StreamFactory.merge({ programId: rotation.id }).create()
    await SoundFactory.merge({
      programId: rotation.id,
      name: 'r1.mp3',
      path: audio('r1.mp3'),
      duration: 6,
      isGoodQuality: true,
    }).create()
    show = await ProgramFactory.merge({
      stationId: station.id,
      slug: 'night-live',
      path: join(dir, 'programs', 'night-live'),
    }).create()
    episode = await EpisodeFactory.merge({ programId: show.id, title: 'Night live' }).create()
    const start = DateTime.utc().plus({ seconds: 6 }).startOf('second')
    live = await DiffusionFactory.merge({
      episodeId: episode.id,
      start,
      end: start.plus({ seconds: 20 }),
    }).create()
    // Its rerun, soon after: the same episode, so the recording is what it plays.
    rerun = await DiffusionFactory.merge({
      episodeId: episode.id,
      initialId: live.id,
      start: start.plus({ seconds: 40 }),
      end: start.plus({ seconds: 100 }),
    }).create()
    stack = await startOnAir(station, ICECAST_PORT, logger, (monitor) => {
      const path = monitor.lastStatus?.recording
      if (!path) return
      const seen = recorded.get(path)
      recorded.set(path, [seen?.[0] ?? Date.now(), Date.now()])
    })
    await waitFor('the mount on air', () => mountsOnAir(ICECAST_PORT, [MOUNT]), 30_000, context)
    return async () => {
      await stack.stop()
      await station.delete()
    }
  })

  test('the live show is recorded in two parts across a reconnection, named as Aircox names archives, once the slot is over', async ({
    assert,
  }) => {
    const status = () => stack.monitor.lastStatus
    let source = studio(audio('studio.mp3'))
    try {
      await waitFor(
        'the live show on air',
        () => status()?.active === 'live' && Date.now() > live.start.toMillis(),
        30_000,
        context
      )
      await waitFor('recording', () => status()?.recording, 10_000, context)
      await new Promise((r) => setTimeout(r, 3000))
      // The studio's connection drops, and comes back.
      await stopped(source)
      await waitFor('the source gone', () => status()?.live === false, 15_000, context)
      source = studio(audio('studio.mp3'))
      await waitFor('the source back', () => status()?.live === true, 15_000, context)
      // At the end of the slot plus 2 s the recording stops (the studio's key is never cut).
      await waitFor(
        'the recording over',
        () => Date.now() > live.end.toMillis() + 2000 && status()?.recording === '',
        30_000,
        context
      )
    } finally {
      await stopped(source)
    }
    const archives = join(show.soundsDir, 'archives')
    const stem = live.start.setZone(station.timezone).toFormat("yyyyMMdd'_'HH'h'mm") + '_night-live'
    const names = await waitFor(
      'the parts named',
      async () => {
        const found = (await readdir(archives)).sort()
        return found.length === 2 && !found.some((n) => n.endsWith('.recording')) && found
      },
      10_000,
      context
    )
    assert.deepEqual(names, [`${stem}.mp3`, `${stem}_2.mp3`])
    // Each part lasts as long as Liquidsoap recorded it (±1 s).
    const parts = [...recorded.entries()]
    assert.lengthOf(parts, 2)
    for (const [index, [, [first, last]]] of parts.entries()) {
      const seconds = await duration(join(archives, names[index]))
      assert.closeTo(seconds, (last - first) / 1000, 1.2, `${names[index]}: ${seconds} s`)
    }
  })

  test('the library attaches both parts to the episode, and the rerun plays them in order, logged', async ({
    assert,
  }) => {
    const library = SoundLibrary.configured(logger)
    const scan = await library.scan([show.id])
    assert.equal(scan.added, 2)
    await library.checkQuality({ programIds: [show.id] })
    const sounds = await Sound.query().where('program_id', show.id).orderBy('path')
    assert.deepEqual(
      sounds.map((s) => [s.episodeId, s.type]),
      [
        [episode.id, 'archive'],
        [episode.id, 'archive'],
      ]
    )
    for (const sound of sounds) assert.isAbove(sound.duration ?? 0, 2)
    const logs = await waitFor(
      'both parts on air in the rerun',
      async () => {
        const rows = await db
          .from('logs')
          .where('diffusion_id', rerun.id)
          .where('type', 'on_air')
          .orderBy('date')
        return rows.length >= 2 && rows
      },
      60_000,
      context
    )
    assert.deepEqual(
      logs.map((l) => l.sound_id),
      sounds.map((s) => s.id)
    )
    // The live show itself ran from its start to its end: one start, one stop.
    const aired = await db
      .from('logs')
      .where('diffusion_id', live.id)
      .whereIn('type', ['start', 'stop'])
      .orderBy('date')
    assert.deepEqual(
      aired.map((l) => [l.type, l.source]),
      [
        ['start', 'live'],
        ['stop', 'live'],
      ]
    )
    const started = await db.from('logs').where('diffusion_id', rerun.id).where('type', 'start')
    assert.lengthOf(started, 1)
    assert.equal(started[0].source, 'dealer')
  })

  test('a full archives disk: the recording fails and is retried, the live show stays on air, Liquidsoap goes on', async ({
    assert,
  }) => {
    const status = () => stack.monitor.lastStatus
    const full = await ProgramFactory.merge({
      stationId: station.id,
      slug: 'full-disk',
      path: join(dir, 'programs', 'full-disk'),
    }).create()
    // A real full disk: a tmpfs of 64 KiB as the program's archives folder, filled.
    const archives = join(full.soundsDir, 'archives')
    await mkdir(archives, { recursive: true })
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', archives])
    let source: ChildProcess | null = null
    try {
      await writeFile(join(archives, 'fill'), Buffer.alloc(64 * 1024)).catch(() => {})
      const start = DateTime.utc().plus({ seconds: 2 }).startOf('second')
      await DiffusionFactory.merge({
        episodeId: (await EpisodeFactory.merge({ programId: full.id }).create()).id,
        start,
        end: start.plus({ seconds: 12 }),
      }).create()
      const started = status()!.started
      source = studio(audio('studio.mp3'))
      await waitFor(
        'recording on the full disk',
        () => status()?.recording.startsWith(archives),
        30_000,
        context
      )
      // Several retries later: the same Liquidsoap, the show on air.
      await new Promise((r) => setTimeout(r, 7000))
      assert.equal(status()!.started, started)
      assert.equal(status()!.active, 'live')
      // It did fail, and was retried.
      const log = await readFile(stationPaths(station).log, 'utf8')
      assert.match(log, /\[recorder:\d\] Reopening on error/)
    } finally {
      if (source) await stopped(source)
      await run('umount', ['-l', archives]).catch(() => {})
    }
  })
})
