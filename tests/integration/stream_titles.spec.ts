import { test } from '@japa/runner'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { makeMusic } from '#demo/demo_audio'
import type { StationMonitor } from '#streamer/station_monitor'
import { duration } from '#streamer/fallback_source'
import {
  mountsOnAir,
  startIcecast,
  startOnAir,
  waitFor,
  type OnAirStack,
} from '#tests/on_air_stack'

const run = promisify(execFile)
const ICECAST_PORT = 8015
const HARBOR_PORT = 8016
const MP3 = '/titles.mp3'
const OPUS = '/titles.opus'
const OGG = '/titles.ogg'
/** Seconds each Ogg mount is decoded for: the mix's start, two titles and its end fall inside. */
const DECODED = 20

const said: string[] = []
const icyTitles: string[] = []
const logger = {
  info: (m: string) => said.push(`info ${m}`),
  warn: (m: string) => said.push(`warn ${m}`),
  error: (m: string) => said.push(`error ${m}`),
}

/** Waits, and a timeout tells what the monitor said and what players saw. */
const until = <T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 60_000
) =>
  waitFor(
    what,
    probe,
    ms,
    () =>
      `; the monitor said:\n${said.slice(-15).join('\n')}\nplayers saw: ${icyTitles.join(' | ')}`
  )

/**
 * A player's view of an MP3 mount: it asks for ICY metadata and keeps each
 * StreamTitle as the bytes came, decoded as UTF-8 (what players do).
 */
class IcyTitles {
  titles: string[] = icyTitles
  #request: http.ClientRequest | null = null

  start(path: string) {
    this.#request = http.get(
      { host: '127.0.0.1', port: ICECAST_PORT, path, headers: { 'Icy-MetaData': '1' } },
      (response) => {
        const every = Number(response.headers['icy-metaint'])
        let audioLeft = every
        let pending = Buffer.alloc(0)
        response.on('data', (chunk: Buffer) => {
          pending = Buffer.concat([pending, chunk])
          for (;;) {
            if (audioLeft > 0) {
              const skip = Math.min(audioLeft, pending.length)
              pending = pending.subarray(skip)
              audioLeft -= skip
              if (audioLeft > 0) return
            }
            if (pending.length < 1) return
            const length = pending[0] * 16
            if (pending.length < 1 + length) return
            const block = pending.subarray(1, 1 + length).toString('utf8')
            pending = pending.subarray(1 + length)
            audioLeft = every
            const title = /StreamTitle='(.*?)';/s.exec(block)?.[1]
            if (title !== undefined && title !== this.titles.at(-1)) this.titles.push(title)
          }
        })
      }
    )
    this.#request.on('error', () => {})
  }

  stop() {
    this.#request?.destroy()
  }
}

/** The title ffprobe reads on the mount now (its StreamTitle tag). */
async function ffprobeTitle(path: string): Promise<string> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-icy',
      '1',
      '-show_entries',
      'format_tags=StreamTitle',
      '-of',
      'default=nw=1:nk=1',
      `http://127.0.0.1:${ICECAST_PORT}${path}`,
    ],
    { timeout: 15_000 }
  )
  return stdout.trim()
}

/** ffmpeg decoding a mount for `seconds` into a WAV file; resolves with its exit code and errors. */
function decode(path: string, seconds: number, out: string) {
  return new Promise<{ code: number | null; errors: string }>((resolve) => {
    const child = spawn(
      'ffmpeg',
      ['-v', 'error', '-nostdin', '-y', '-i', `http://127.0.0.1:${ICECAST_PORT}${path}`].concat([
        '-t',
        String(seconds),
        '-f',
        'wav',
        out,
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] }
    )
    let errors = ''
    child.stderr.on('data', (chunk) => (errors += chunk))
    child.on('close', (code) => resolve({ code, errors }))
  })
}

test.group('Stream titles on a real Icecast: what players show follows the on-air log', (group) => {
  const dir = app.makePath('tmp/test/titles')
  const icy = new IcyTitles()
  let station: Station
  let stack: OnAirStack
  let monitor: StationMonitor
  let studio: ChildProcess | null = null
  let liveStart: DateTime
  const decoded: Record<string, ReturnType<typeof decode>> = {}

  group.setup(async () => {
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, 'audio'), { recursive: true })
    // Started before the outputs exist: their mounts have no block of their own in its config.
    await startIcecast(ICECAST_PORT, 'titlespw')
    const audio = (name: string) => join(dir, 'audio', name)
    await Promise.all([
      makeMusic(audio('r1.mp3'), 5, 1, { title: 'Rotation été', artist: 'Test' }),
      makeMusic(audio('r2.mp3'), 5, 2, { title: 'Rotation hiver', artist: 'Test' }),
      makeMusic(audio('mix.mp3'), 12, 3, { title: 'mix-final-v2', artist: 'DAW export' }),
      makeMusic(audio('studio.mp3'), 40, 4, { title: 'studio', artist: 'Test' }),
    ])
    station = await StationFactory.merge({
      name: 'Titres',
      slug: `titles-${Date.now()}`,
      path: join(dir, 'station'),
      harborPort: HARBOR_PORT,
      harborPassword: 'studio-password-long-enough',
    }).create()
    await OutputFactory.merge({
      stationId: station.id,
      port: ICECAST_PORT,
      mount: MP3,
      password: 'titlespw',
    }).create()
    for (const [mount, format] of [
      [OPUS, 'opus'],
      [OGG, 'ogg'],
    ] as const)
      await OutputFactory.merge({
        stationId: station.id,
        port: ICECAST_PORT,
        mount,
        format,
        bitrate: 64,
        password: 'titlespw',
      }).create()
    const rotation = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Rotation',
      slug: 'rotation',
    }).create()
    await StreamFactory.merge({ programId: rotation.id }).create()
    for (const name of ['r1.mp3', 'r2.mp3'])
      await SoundFactory.apply('public')
        .merge({
          programId: rotation.id,
          name,
          path: audio(name),
          duration: 5,
          isGoodQuality: true,
        })
        .create()

    const show = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Marée Basse',
      slug: 'maree-basse',
    }).create()
    const mixStart = DateTime.utc().plus({ seconds: 16 }).startOf('second')
    const mixEpisode = await EpisodeFactory.merge({
      programId: show.id,
      title: "Mix d'été",
    }).create()
    const mix = await SoundFactory.merge({
      episodeId: mixEpisode.id,
      programId: show.id,
      name: 'mix.mp3',
      path: audio('mix.mp3'),
      duration: 12,
    }).create()
    for (const [position, timestamp, title, artist] of [
      [0, 3, 'Première Vague', 'Éole'],
      [1, 7, 'Deuxième ♪', null],
    ] as const)
      await TrackFactory.merge({ soundId: mix.id, position, timestamp, title, artist }).create()
    await DiffusionFactory.merge({
      episodeId: mixEpisode.id,
      start: mixStart,
      end: mixStart.plus({ seconds: 12 }),
    }).create()
    liveStart = mixStart.plus({ seconds: 14 })
    const liveEpisode = await EpisodeFactory.merge({
      programId: show.id,
      title: 'En direct',
    }).create()
    await DiffusionFactory.merge({
      episodeId: liveEpisode.id,
      start: liveStart,
      end: liveStart.plus({ minutes: 10 }),
    }).create()

    stack = await startOnAir(station, ICECAST_PORT, logger)
    monitor = stack.monitor
    await until('the mounts on air', () => mountsOnAir(ICECAST_PORT, [MP3, OPUS, OGG]))
    icy.start(MP3)
    for (const mount of [OPUS, OGG])
      decoded[mount] = decode(mount, DECODED, join(dir, `${mount.slice(1)}.wav`))

    return async () => {
      icy.stop()
      studio?.kill('SIGTERM')
      await stack.stop()
      await station.delete()
    }
  })

  test("UTF-8 titles: the diffusion's, not the file's tags, then its mix's tracks at their time, as logged", async ({
    assert,
  }) => {
    await until('the second track of the mix on the stream', () =>
      icy.titles.includes('Deuxième ♪')
    )
    const fromMix = icy.titles.slice(icy.titles.indexOf("Marée Basse: Mix d'été"))
    assert.deepEqual(
      fromMix.slice(0, 3),
      ["Marée Basse: Mix d'été", 'Éole - Première Vague', 'Deuxième ♪'],
      icy.titles.join(' | ')
    )
    // The on-air log has the same tracks, in the same order.
    const logged = await db
      .from('logs')
      .where('station_id', station.id)
      .whereNotNull('track_id')
      .orderBy('date')
    assert.deepEqual(
      logged.map((l) => l.comment),
      ['Éole – Première Vague', 'Deuxième ♪']
    )
  })

  test('the Opus mount is one stream through track changes and new titles: ffmpeg decodes it whole, as the Vorbis one', async ({
    assert,
  }) => {
    for (const mount of [OPUS, OGG]) {
      const { code, errors } = await decoded[mount]
      assert.equal(code, 0, `${mount}: ${errors}`)
      const length = await duration(join(dir, `${mount.slice(1)}.wav`))
      // ffmpeg stopped at the first new Ogg stream before: a few seconds, and an error.
      assert.isAtLeast(length, DECODED - 0.5, `${mount} decoded for ${length} s`)
    }
    // Those seconds held the mix's start, its two tracks and its end.
    assert.includeMembers(icy.titles, [
      "Marée Basse: Mix d'été",
      'Éole - Première Vague',
      'Deuxième ♪',
    ])
  })

  test("during a live show, players show the diffusion's title (read by ffprobe)", async ({
    assert,
  }) => {
    await until('the live show', () => Date.now() >= liveStart.toMillis() - 2000, 60_000)
    // A real source client, which sends no title of its own.
    studio = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-re',
        '-i',
        join(dir, 'audio', 'studio.mp3'),
        '-c:a',
        'copy',
        '-content_type',
        'audio/mpeg',
        '-f',
        'mp3',
        `icecast://source:studio-password-long-enough@127.0.0.1:${HARBOR_PORT}/live`,
      ],
      { stdio: 'ignore' }
    )
    await until('the live input on air', () => monitor.lastStatus?.active === 'live', 30_000)
    await until('the live title on the stream', () => icy.titles.includes('Marée Basse: En direct'))
    assert.equal(await ffprobeTitle(MP3), 'Marée Basse: En direct')
    assert.notInclude(icy.titles, 'Unknown')
  })
})
