import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import type User from '#models/user'
import type Diffusion from '#models/diffusion'
import LiveKey, { generateLiveKey } from '#models/live_key'
import { liveKeyHash } from '#live/live_login_rules'
import { touchChangeStamp } from '#models/change_stamp'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory } from '#database/factories/sound_factories'
import { UserFactory } from '#database/factories/user_factory'
import { makeMusic } from '#demo/demo_audio'
import { stationPaths } from '#streamer/station_config'
import type { OnAirStatus } from '#streamer/on_air_status'
import {
  liveSource,
  mountsOnAir,
  startIcecast,
  startOnAir,
  waitFor,
  type OnAirStack,
} from '#tests/on_air_stack'

const run = promisify(execFile)
const ICECAST_PORT = 8019
const HARBOR_PORT = 8020
const MOUNT = '/live-shows.mp3'
const STUDIO_KEY = 'studio-key-long-enough-for-it'

const said: string[] = []
const logger = {
  info: (m: string) => said.push(`info ${m}`),
  warn: (m: string) => said.push(`warn ${m}`),
  error: (m: string) => said.push(`error ${m}`),
}

const sourceClient = (user: string, password: string, file: string) =>
  liveSource(HARBOR_PORT, user, password, file)

test.group(
  'Live shows on a real Liquidsoap: each host with their own key, in their slot',
  (group) => {
    group.each.timeout(90_000)
    const dir = app.makePath('tmp/test/live-shows')
    const audio = (name: string) => join(dir, 'audio', name)
    let station: Station
    let stack: OnAirStack
    let alice: User
    let bob: User
    let aliceKey: string
    let slot: Diffusion
    const statuses: OnAirStatus[] = []
    const status = () => stack.monitor.lastStatus
    const attempts = () =>
      db.from('live_attempts').where('station_id', station.id).orderBy('id', 'asc')
    const context = () => `\n${said.slice(-12).join('\n')}`

    group.setup(async () => {
      await rm(dir, { recursive: true, force: true })
      await mkdir(join(dir, 'audio'), { recursive: true })
      await startIcecast(ICECAST_PORT, 'liveshowspw')
      await Promise.all([
        makeMusic(audio('r1.mp3'), 6, 1, { title: 'Rotation' }),
        makeMusic(audio('show.mp3'), 60, 2, { title: 'Show' }),
      ])
      // Sound, then 8 s of silence, then sound again: a studio whose microphone goes dead for a while.
      await run('sox', [
        ...['-n', '-r', '44100', '-c', '2', audio('gap.wav'), 'synth', '3', 'sine', '440'],
        ...[':', 'synth', '8', 'sine', '440', 'vol', '0', ':', 'synth', '20', 'sine', '660'],
      ])
      await run('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        audio('gap.wav'),
        '-b:a',
        '128k',
        audio('gap.mp3'),
      ])

      station = await StationFactory.merge({
        slug: `live-shows-${Date.now()}`,
        path: join(dir, 'station'),
        harborPort: HARBOR_PORT,
        harborPassword: STUDIO_KEY,
        liveMarginBefore: 5,
        liveMarginAfter: 2,
        liveSilenceAfter: 3,
      }).create()
      await OutputFactory.merge({
        stationId: station.id,
        port: ICECAST_PORT,
        mount: MOUNT,
        password: 'liveshowspw',
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

      const aliceShow = await ProgramFactory.merge({
        stationId: station.id,
        slug: 'alice-show',
      }).create()
      const bobShow = await ProgramFactory.merge({
        stationId: station.id,
        slug: 'bob-show',
      }).create()
      alice = await UserFactory.merge({ email: `alice-${Date.now()}@example.org` }).create()
      bob = await UserFactory.merge({ email: `bob-${Date.now()}@example.org` }).create()
      await alice.related('programs').attach([aliceShow.id])
      await bob.related('programs').attach([bobShow.id])
      aliceKey = generateLiveKey()
      for (const [user, key] of [
        [alice, aliceKey],
        [bob, generateLiveKey()],
      ] as const)
        await LiveKey.create({
          userId: user.id,
          keyHash: liveKeyHash(key),
          hint: key.slice(0, 6),
          createdAt: DateTime.utc(),
        })
      // Alice's live show: from in 3 s, for 10 minutes; Bob's is tomorrow.
      const start = DateTime.utc().plus({ seconds: 3 }).startOf('second')
      slot = await DiffusionFactory.merge({
        episodeId: (await EpisodeFactory.merge({ programId: aliceShow.id }).create()).id,
        start,
        end: start.plus({ minutes: 10 }),
      }).create()
      await DiffusionFactory.merge({
        episodeId: (await EpisodeFactory.merge({ programId: bobShow.id }).create()).id,
        start: start.plus({ days: 1 }),
      }).create()

      stack = await startOnAir(station, ICECAST_PORT, logger, (monitor) => {
        if (monitor.lastStatus) statuses.push(monitor.lastStatus)
      })
      await waitFor('the mount on air', () => mountsOnAir(ICECAST_PORT, [MOUNT]), 30_000, context)
      return async () => {
        await stack.stop()
        await station.delete()
        await alice.delete()
        await bob.delete()
      }
    })

    test('the credentials file holds hashes and slots only, and only its owner reads it', async ({
      assert,
    }) => {
      const path = stationPaths(station).liveCredentials
      await waitFor('the credentials', () => stat(path).catch(() => null), 10_000, context)
      assert.equal((await stat(path)).mode & 0o777, 0o600)
      const text = await readFile(path, 'utf8')
      assert.notInclude(text, aliceKey)
      assert.notInclude(text, STUDIO_KEY)
      const credentials = JSON.parse(text)
      const mine = credentials.hosts.find((h: { userId: number }) => h.userId === alice.id)
      assert.deepEqual(mine.windows, [
        { from: slot.start.toSeconds() - 5, to: slot.end.toSeconds() + 2, diffusionId: slot.id },
      ])
    })

    test("a host's own key in their slot: their show goes on air, and the attempt is recorded", async ({
      assert,
    }) => {
      const client = sourceClient(alice.email, aliceKey, audio('show.mp3'))
      try {
        await waitFor('the live show on air', () => status()?.active === 'live', 20_000, context)
        assert.equal(status()!.liveUser, alice.email)
        const [row] = await waitFor(
          'the attempt recorded',
          async () => (await attempts()).length > 0 && attempts(),
          10_000,
          context
        )
        assert.deepInclude(row, {
          user_id: alice.id,
          user_name: alice.email,
          address: '127.0.0.1',
          reason: 'in_slot',
          diffusion_id: slot.id,
        })
        assert.isTrue(Boolean(row.accepted))
        const key = await LiveKey.query().where('user_id', alice.id).firstOrFail()
        assert.isNotNull(key.lastUsedAt)
        const connected = await waitFor(
          'live_connected',
          () =>
            db
              .from('events')
              .where('station', station.slug)
              .where('type', 'live_connected')
              .first(),
          10_000,
          context
        )
        assert.deepEqual(JSON.parse(connected.payload), { user: alice.email })
      } finally {
        client.child.kill('SIGTERM')
        await client.exited
      }
      await waitFor('the live input gone', () => status()?.live === false, 15_000, context)
    })

    test("another program's host, a wrong key and an unknown user are refused: each a row and a live_refused event", async ({
      assert,
    }) => {
      const before = (await attempts()).length
      for (const [user, password] of [
        [bob.email, 'not-bobs-key-at-all-but-long'],
        [alice.email, 'a-wrong-key-for-alice-long-enough'],
        ['nobody@example.org', aliceKey],
      ]) {
        const { code } = await sourceClient(user, password, audio('show.mp3')).exited
        assert.notEqual(code, 0)
      }
      assert.notEqual(status()?.active, 'live')
      const rows = await waitFor(
        'three refusals recorded',
        async () => {
          const all = await attempts()
          return all.length >= before + 3 && all.slice(before)
        },
        10_000,
        context
      )
      assert.deepEqual(
        rows.map((r) => [r.user_name, Boolean(r.accepted), r.reason]),
        [
          [bob.email, false, 'wrong_key'],
          [alice.email, false, 'wrong_key'],
          ['nobody@example.org', false, 'unknown_user'],
        ]
      )
      const events = await waitFor(
        'the events',
        async () => {
          const found = await db
            .from('events')
            .where('type', 'live_refused')
            .where('station', station.slug)
          return found.length >= 3 && found
        },
        10_000,
        context
      )
      assert.sameMembers(
        events.map((e) => JSON.parse(e.payload).reason),
        ['wrong_key', 'wrong_key', 'unknown_user']
      )
    })

    test("a host's right key, a day before their show, is refused", async ({ assert }) => {
      // Bob's right key, a day before his show.
      const bobKey = generateLiveKey()
      await LiveKey.query()
        .where('user_id', bob.id)
        .update({ keyHash: liveKeyHash(bobKey) })
      // The streamer rewrites the credentials at its next resync: the change stamp says when.
      touchChangeStamp()
      await waitFor(
        'the new credentials',
        async () =>
          (await readFile(stationPaths(station).liveCredentials, 'utf8')).includes(
            liveKeyHash(bobKey)
          ),
        10_000,
        context
      )
      const before = (await attempts()).length
      const { code } = await sourceClient(bob.email, bobKey, audio('show.mp3')).exited
      assert.notEqual(code, 0)
      const last = await waitFor(
        'the refusal recorded',
        async () => {
          const rows = await attempts()
          return rows.length > before && rows.at(-1)
        },
        10_000,
        context
      )
      assert.deepInclude(last, { user_id: bob.id, reason: 'outside_slot' })
    })

    test('at the end of the slot plus its margin, the host is disconnected', async ({ assert }) => {
      // The scheduler shortens the show: the gate knows at the next resync.
      slot.end = DateTime.utc().plus({ seconds: 8 }).startOf('second')
      await slot.save()
      const to = slot.end.toSeconds() + 2
      await waitFor(
        'the new slot in the credentials',
        async () =>
          (await readFile(stationPaths(station).liveCredentials, 'utf8')).includes(`"to":${to}`),
        10_000,
        context
      )
      const client = sourceClient(alice.email, aliceKey, audio('show.mp3'))
      try {
        await waitFor('the live show on air', () => status()?.active === 'live', 20_000, context)
        const cutAt = slot.end.toMillis() + 2000
        const { code } = await client.exited
        const endedAt = Date.now()
        assert.notEqual(code, null)
        assert.isAtLeast(endedAt, cutAt - 100)
        assert.isBelow(endedAt, cutAt + 5000)
        await waitFor('the rotation back', () => status()?.active === 'music', 15_000, context)
      } finally {
        client.child.kill('SIGTERM')
      }
    })

    test("a silent live source leaves the air after the station's seconds, and comes back with sound", async ({
      assert,
    }) => {
      const client = sourceClient('studio', STUDIO_KEY, audio('gap.mp3'))
      try {
        await waitFor('the studio on air', () => status()?.active === 'live', 20_000, context)
        statuses.length = 0
        await waitFor('the silence caught', () => status()?.liveSilent === true, 20_000, context)
        assert.isTrue(status()!.live)
        await waitFor('off air while silent', () => status()?.active === 'music', 5000, context)
        await waitFor(
          'back with sound',
          () => status()?.active === 'live' && !status()!.liveSilent,
          20_000,
          context
        )
        const row = (await attempts()).at(-1)
        assert.deepInclude(row, { user_name: 'studio', reason: 'station_key', user_id: null })
        const told = await waitFor(
          'the silence told',
          async () => {
            const found = await db
              .from('events')
              .where('station', station.slug)
              .whereIn('type', ['live_silent', 'live_sound_back'])
              .orderBy('id')
            return found.length >= 2 && found
          },
          10_000,
          context
        )
        assert.deepEqual(
          told.map((e) => e.type),
          ['live_silent', 'live_sound_back']
        )
      } finally {
        client.child.kill('SIGTERM')
        await client.exited
      }
    })

    test('an address that keeps failing is locked out, even with the right key', async ({
      assert,
    }) => {
      // Three failures so far from this address; two more lock it.
      for (let i = 0; i < 2; i++)
        await sourceClient(alice.email, `wrong-key-number-${i}-long-enough`, audio('show.mp3'))
          .exited
      const { code } = await sourceClient('studio', STUDIO_KEY, audio('show.mp3')).exited
      assert.notEqual(code, 0)
      const last = await waitFor(
        'the lockout recorded',
        async () => {
          const row = (await attempts()).at(-1)
          return row?.reason === 'throttled' && row
        },
        10_000,
        context
      )
      assert.isFalse(Boolean(last.accepted))
    })
  }
)
