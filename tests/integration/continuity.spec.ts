import { test } from '@japa/runner'
import { HeldListener } from '#tests/on_air_stack'
import { lenientHealth } from '#tests/helpers'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import type Program from '#models/program'
import type Sound from '#models/sound'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory } from '#database/factories/sound_factories'
import { fromSqlDateTime } from '#models/columns'
import { makeMusic } from '#demo/demo_audio'
import { stationPaths, stationPlaylists } from '#streamer/station_config'
import { parseStatus, type OnAirStatus } from '#streamer/on_air_status'
import { LiquidsoapClient } from '#streamer/telnet'
import { isAlive } from '#streamer/zombies'
import { touchChangeStamp } from '#models/change_stamp'
import { runHealthChecks } from '#health/health_checks'

const run = promisify(execFile)
const PORT = 8014
const PASSWORD = 'continuitypw'
const MOUNT = '/continuity.mp3'

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 30_000,
  said: () => string = () => ''
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe().catch(() => null)
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${said()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The sources Icecast has, by mount, with when each started (a new start means the mount was dropped). */
async function icecastSources(): Promise<Map<string, string>> {
  const response = await fetch(`http://127.0.0.1:${PORT}/admin/listmounts`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
  })
  const text = await response.text()
  const mounts = new Map<string, string>()
  for (const match of text.matchAll(/<source mount="([^"]+)">.*?<Connected>(\d+)<\/Connected>/g))
    mounts.set(match[1], match[2])
  return mounts
}

/** How many listeners a mount has (Icecast's admin listclients). */
async function listenersOn(mount: string): Promise<number> {
  const response = await fetch(
    `http://127.0.0.1:${PORT}/admin/listclients?mount=${encodeURIComponent(mount)}`,
    {
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
    }
  )
  if (!response.ok) return 0
  return [...(await response.text()).matchAll(/<listener>/g)].length
}

const at = (value: unknown) => fromSqlDateTime(value)!.toMillis()

test.group('On air, always: listeners stay connected through every fault', (group) => {
  group.each.timeout(120_000)
  const dir = app.makePath('tmp/test/continuity')
  const stationDir = join(dir, 'station')
  const listener = new HeldListener('127.0.0.1', PORT, MOUNT, undefined, 'ContinuityTest/1')
  const output: string[] = []
  let station: Station
  let show: Program
  let rotationSounds: Sound[] = []
  let streamer: ChildProcess | null = null
  let client: LiquidsoapClient

  const said = () => output.slice(-30).join('')
  /** The station's Liquidsoap, found by its script (its pid file may be on the full disk). */
  const liquidsoapPid = async () => {
    const { stdout } = await run('pgrep', [
      '-f',
      `liquidsoap ${stationPaths(station).script}`,
    ]).catch(() => ({ stdout: '' }))
    const pids = stdout.split('\n').filter(Boolean).map(Number)
    if (pids.length > 1) throw new Error(`two Liquidsoaps for one station: ${pids.join(', ')}`)
    return pids[0] ?? 0
  }
  const status = async (): Promise<OnAirStatus> => parseStatus(await client.raw('station.status'))

  function startStreamer() {
    const child = spawn(
      process.execPath,
      [
        'ace',
        'streamer',
        '--config',
        '--run',
        '--monitor',
        '--station',
        station.slug,
        '--delay',
        '200',
      ],
      {
        cwd: app.makePath(),
        env: { ...process.env, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    child.stdout!.on('data', (chunk) => output.push(chunk.toString()))
    child.stderr!.on('data', (chunk) => output.push(chunk.toString()))
    streamer = child
    return child
  }

  async function stopStreamer() {
    const child = streamer
    streamer = null
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }

  /** Liquidsoap killed for real; resolves with the new one's pid once it answers. */
  async function killLiquidsoap() {
    const started = (await status()).started
    const before = await liquidsoapPid()
    process.kill(before, 'SIGKILL')
    await waitFor(
      'a new Liquidsoap answering',
      async () => (await status()).started !== started,
      20_000,
      said
    )
    return { before, after: await liquidsoapPid() }
  }

  async function mainMountBack() {
    await waitFor(
      'the station back on its mount with the listener',
      async () => (await icecastSources()).has(MOUNT) && (await listenersOn(MOUNT)) === 1,
      30_000,
      said
    )
  }

  group.setup(async () => {
    // A run that failed in its set-up may have left the small disk mounted.
    await run('umount', ['-l', stationDir]).catch(() => {})
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, 'audio'), { recursive: true })
    await mkdir(stationDir, { recursive: true })
    // The station's own folder is a small disk of the test's, to fill it later (root, as CI runs).
    await run('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', stationDir])
    const audio = (name: string) => join(dir, 'audio', name)
    await Promise.all([
      makeMusic(audio('c1.mp3'), 12, 1, { title: 'Rotation One', artist: 'Test' }),
      makeMusic(audio('c2.mp3'), 12, 2, { title: 'Rotation Two', artist: 'Test' }),
      makeMusic(audio('c3.mp3'), 12, 3, { title: 'Rotation Three', artist: 'Test' }),
      makeMusic(audio('show.mp3'), 40, 4, { title: 'The show', artist: 'Test' }),
    ])
    station = await StationFactory.merge({
      name: 'Continuity',
      slug: `continuity-${Date.now()}`,
      path: stationDir,
    }).create()
    await OutputFactory.merge({
      stationId: station.id,
      port: PORT,
      mount: MOUNT,
      password: PASSWORD,
    }).create()
    const rotation = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Rotation',
      slug: 'rotation',
    }).create()
    await StreamFactory.merge({ programId: rotation.id }).create()
    rotationSounds = await SoundFactory.apply('public')
      .merge(
        ['c1.mp3', 'c2.mp3'].map((name) => ({
          programId: rotation.id,
          name,
          path: audio(name),
          duration: 12,
          isGoodQuality: true,
        }))
      )
      .createMany(2)
    show = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Show',
      slug: 'show',
    }).create()
    // Icecast after the outputs: its configuration has their mounts and fallbacks.
    await run('bash', [app.makePath('bin/icecast'), String(PORT), PASSWORD], {
      env: { ...process.env, NODE_ENV: 'test' },
    })
    client = new LiquidsoapClient({ path: stationPaths(station).socket }, { timeout: 2000 })
    startStreamer()
    await waitFor(
      'the station on its mount',
      async () => (await icecastSources()).has(MOUNT),
      40_000,
      said
    )
    listener.start()
    await waitFor(
      'the listener on the mount',
      async () => (await listenersOn(MOUNT)) === 1,
      10_000,
      said
    )

    return async () => {
      listener.stop()
      await client.close()
      await stopStreamer()
      const pid = await liquidsoapPid().catch(() => 0)
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL')
      await run('bash', [app.makePath('bin/icecast'), 'stop', String(PORT)])
      await run('umount', ['-l', stationDir]).catch(() => {})
      await station.delete()
    }
  })

  test('the configuration gives the mount a fallback that the streamer feeds', async ({
    assert,
  }) => {
    const xml = await readFile(app.makePath(`tmp/icecast-${PORT}/icecast.xml`), 'utf8')
    assert.include(xml, `<fallback-mount>/continuity-fallback.mp3</fallback-mount>`)
    assert.include(xml, '<fallback-override>1</fallback-override>')
    assert.include(xml, '<charset>UTF-8</charset>')
    assert.isTrue((await icecastSources()).has('/continuity-fallback.mp3'))
    const mainOutput = (await station.related('outputs').query())[0]
    mainOutput.merge({ adminUser: 'admin', adminPassword: PASSWORD })
    await mainOutput.save()
    const lenient = lenientHealth()
    const check = (await runHealthChecks(lenient)).find(
      (c) => c.name === `station ${station.slug}: fallback of ${MOUNT}`
    )
    assert.deepInclude(check, {
      ok: true,
      detail: `${MOUNT} falls back to /continuity-fallback.mp3, which is fed`,
    })
  })

  test('kill -9 of Liquidsoap in rotation: the listener stays on the same connection and is back on the station', async ({
    assert,
  }) => {
    const bytes = listener.bytes
    const { before, after } = await killLiquidsoap()
    assert.notEqual(before, after)
    await mainMountBack()
    assert.isFalse(listener.ended)
    assert.equal(listener.responses, 1)
    assert.isAbove(listener.bytes - bytes, 20_000)
  })

  test('kill -9 of Liquidsoap during a diffusion: it resumes straight, nothing from the rotation airs or is logged in between', async ({
    assert,
  }) => {
    const start = DateTime.utc().plus({ seconds: 2 }).startOf('second')
    const episode = await EpisodeFactory.merge({
      programId: show.id,
      title: 'Continuity show',
    }).create()
    await SoundFactory.merge({
      episodeId: episode.id,
      name: 'show.mp3',
      path: join(dir, 'audio', 'show.mp3'),
      duration: 40,
    }).create()
    const diffusion = await DiffusionFactory.merge({
      episodeId: episode.id,
      start,
      end: start.plus({ seconds: 50 }),
    }).create()
    touchChangeStamp()
    await waitFor(
      'the diffusion on air',
      async () =>
        (await status()).diffusionId === diffusion.id && Date.now() > start.toMillis() + 4000,
      40_000,
      said
    )
    const logSize = (await readFile(stationPaths(station).log, 'utf8')).length
    const killedAt = Date.now()
    await killLiquidsoap()
    const resumed = await waitFor(
      'the diffusion resumed',
      async () => {
        const now = await status()
        return now.diffusionId === diffusion.id && now.resumed && now
      },
      15_000,
      said
    )
    assert.equal(resumed.active, 'dealer')
    await mainMountBack()
    assert.isFalse(listener.ended)
    assert.equal(listener.responses, 1)

    // What the new Liquidsoap put on air: the diffusion first, never the rotation.
    const log = (await readFile(stationPaths(station).log, 'utf8')).slice(logSize)
    const switches = [...log.matchAll(/\[main:\d\] Switch to (\w+)/g)].map((m) => m[1])
    assert.isNotEmpty(switches)
    assert.notInclude(switches.slice(0, switches.indexOf('dealer') + 1), 'music')
    // And what the monitor logged: nothing from the rotation since the kill, the start once.
    await new Promise((r) => setTimeout(r, 1500))
    const rows = await db.from('logs').where('station_id', station.id).orderBy('id')
    const rotationIds = new Set(rotationSounds.map((s) => s.id))
    assert.deepEqual(
      rows.filter((l) => at(l.date) >= killedAt && rotationIds.has(l.sound_id)),
      []
    )
    assert.deepEqual(
      rows
        .filter((l) => l.diffusion_id === diffusion.id)
        .map((l) => l.type)
        .sort(),
      ['on_air', 'start']
    )
    await diffusion.delete()
  })

  test('kill -9 of the streamer: the next one adopts the running Liquidsoap, no gap at all', async ({
    assert,
  }) => {
    const pid = await liquidsoapPid()
    const sources = await icecastSources()
    const logsBefore = await db.from('logs').where('station_id', station.id)
    streamer!.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 500))
    output.length = 0
    startStreamer()
    await waitFor(
      'the adoption',
      async () => said().includes('adopted the running Liquidsoap'),
      30_000,
      said
    )
    await new Promise((r) => setTimeout(r, 3000))
    assert.equal(await liquidsoapPid(), pid)
    assert.isTrue(isAlive(pid))
    // The station never left its mount: Icecast counts the same source's connected time.
    const after = await icecastSources()
    assert.isAtLeast(Number(after.get(MOUNT)), Number(sources.get(MOUNT)) + 3)
    assert.equal(await listenersOn(MOUNT), 1)
    assert.isFalse(listener.ended)
    const logs = await db.from('logs').where('station_id', station.id)
    const added = logs.filter((l) => !logsBefore.some((b) => b.id === l.id))
    const seen = new Set(logsBefore.map((l) => `${l.sound_id}@${at(l.date)}`))
    assert.deepEqual(
      added.filter((l) => l.sound_id && seen.has(`${l.sound_id}@${at(l.date)}`)),
      []
    )
  })

  test('a corrupt playlist is repaired before Liquidsoap starts again', async ({ assert }) => {
    const [playlist] = await stationPlaylists(station)
    await writeFile(playlist.path, '#EXTM3U\n/nowhere/garbage.mp3\n\u0000\u0000binary\n')
    await killLiquidsoap()
    assert.equal(await readFile(playlist.path, 'utf8'), playlist.text)
    const playing = await waitFor(
      'the rotation on air',
      async () => {
        const now = await status()
        return now.active === 'music' && rotationSounds.some((s) => s.path === now.filename) && now
      },
      15_000,
      said
    )
    assert.isFalse(playing.held)
    await mainMountBack()
    assert.isFalse(listener.ended)
  })

  test('a full station disk: reported, and the streamer, Liquidsoap and the listener go on', async ({
    assert,
  }) => {
    await run('dd', ['if=/dev/zero', `of=${join(stationDir, 'filler')}`, 'bs=64k']).catch(() => {})
    try {
      const rowsBefore = (await db.from('logs').where('station_id', station.id)).length
      // A playlist change the disk cannot take.
      await SoundFactory.apply('public')
        .merge({
          programId: rotationSounds[0].programId,
          name: 'c3.mp3',
          path: join(dir, 'audio', 'c3.mp3'),
          duration: 12,
          isGoodQuality: true,
        })
        .create()
      touchChangeStamp()
      await waitFor(
        'the failure reported',
        async () => /cannot resync \(.*ENOSPC/.test(said()),
        10_000,
        said
      )
      const { after } = await killLiquidsoap()
      assert.isTrue(isAlive(after))
      await mainMountBack()
      await waitFor(
        'on-air rows still written',
        async () => (await db.from('logs').where('station_id', station.id)).length > rowsBefore,
        30_000,
        said
      )
      assert.isNull(streamer!.exitCode)
      assert.isFalse(listener.ended)
      assert.equal(listener.responses, 1)
      assert.lengthOf(said().match(/cannot resync \(/g) ?? [], 1)
    } finally {
      await rm(join(stationDir, 'filler'), { force: true })
    }
  })
})
