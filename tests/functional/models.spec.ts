import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Diffusion from '#models/diffusion'
import Log from '#models/log'
import Sound from '#models/sound'
import Track from '#models/track'
import User from '#models/user'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { LogFactory } from '#database/factories/log_factory'
import { UserFactory } from '#database/factories/user_factory'

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' })

async function world() {
  const station = await StationFactory.merge({ timezone: 'Europe/Brussels' }).create()
  const otherStation = await StationFactory.create()
  const program = await ProgramFactory.merge({ stationId: station.id }).create()
  const otherProgram = await ProgramFactory.merge({ stationId: otherStation.id }).create()
  const episode = await EpisodeFactory.merge({ programId: program.id }).create()
  const otherEpisode = await EpisodeFactory.merge({ programId: otherProgram.id }).create()
  const make = (
    start: string,
    minutes: number,
    type: Diffusion['type'] = 'on_air',
    onOther = false
  ) =>
    DiffusionFactory.merge({
      episodeId: onOther ? otherEpisode.id : episode.id,
      type,
      start: utc(start),
      end: utc(start).plus({ minutes }),
    }).create()
  return { station, program, episode, make }
}

test.group("Diffusion scopes (Aircox's queryset vocabulary)", (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('onAir, now, afterDate, beforeDate, range and station', async ({ assert }) => {
    const { station, make } = await world()
    const morning = await make('2030-01-02T08:00:00Z', 60)
    const noon = await make('2030-01-02T11:00:00Z', 60)
    const cancelled = await make('2030-01-02T08:30:00Z', 30, 'cancel')
    const elsewhere = await make('2030-01-02T08:00:00Z', 60, 'on_air', true)
    const ids = (rows: Diffusion[]) => rows.map((d) => d.id)

    const at = utc('2030-01-02T08:45:00Z')
    assert.deepEqual(
      ids(
        await Diffusion.query()
          .withScopes((s) => {
            s.onAir()
            s.now(at)
          })
          .orderBy('id')
      ),
      [morning.id, elsewhere.id]
    )
    assert.deepEqual(
      ids(
        await Diffusion.query()
          .withScopes((s) => {
            s.station(station)
            s.now(at)
          })
          .orderBy('id')
      ),
      [morning.id, cancelled.id]
    )
    // The end is exclusive: at 09:00 the morning show is over.
    assert.deepEqual(
      ids(
        await Diffusion.query().withScopes((s) => {
          s.station(station)
          s.now(utc('2030-01-02T09:00:00Z'))
        })
      ),
      []
    )
    assert.deepEqual(
      ids(
        await Diffusion.query().withScopes((s) => {
          s.station(station)
          s.onAir()
          s.afterDate(at)
        })
      ),
      [morning.id, noon.id]
    )
    assert.deepEqual(
      ids(
        await Diffusion.query().withScopes((s) => {
          s.station(station)
          s.onAir()
          s.beforeDate(utc('2030-01-02T10:00:00Z'))
        })
      ),
      [morning.id]
    )
    assert.deepEqual(
      ids(
        await Diffusion.query().withScopes((s) => {
          s.station(station)
          s.range(utc('2030-01-02T09:30:00Z'), utc('2030-01-02T11:30:00Z'))
        })
      ),
      [noon.id]
    )
  })

  test("date() is a day on the station's wall clocks, not a UTC day", async ({ assert }) => {
    const { make } = await world()
    // 23:30 on the 1st in Brussels is 22:30 UTC; 00:30 on the 2nd is 23:30 UTC on the 1st.
    const lateEvening = await make('2030-01-01T22:30:00Z', 30)
    const justAfterMidnight = await make('2030-01-01T23:30:00Z', 30)
    const day = await Diffusion.query().withScopes((s) => {
      s.date('2030-01-02', 'Europe/Brussels')
    })
    assert.deepEqual(
      day.map((d) => d.id),
      [justAfterMidnight.id]
    )
    const before = await Diffusion.query().withScopes((s) => {
      s.date('2030-01-01', 'Europe/Brussels')
    })
    assert.deepEqual(
      before.map((d) => d.id),
      [lateEvening.id]
    )
  })

  test('a diffusion changed through the model is marked edited', async ({ assert }) => {
    const { make } = await world()
    const diffusion = await make('2030-01-02T08:00:00Z', 60)
    assert.isFalse(diffusion.edited)
    diffusion.type = 'cancel'
    await diffusion.save()
    await diffusion.refresh()
    assert.isTrue(diffusion.edited)
  })
})

test.group('Sounds, tracks, logs and users', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('sound scopes: archive, available, public', async ({ assert }) => {
    const { episode } = await world()
    const [archive] = await SoundFactory.merge([
      { episodeId: episode.id, name: 'a', type: 'archive', isPublic: true },
      { episodeId: episode.id, name: 'b', type: 'excerpt' },
      { episodeId: episode.id, name: 'c', type: 'removed' },
    ]).createMany(3)
    const names = (rows: Sound[]) => rows.map((s) => s.name).sort()
    assert.deepEqual(
      names(
        await Sound.query().withScopes((s) => {
          s.archive()
        })
      ),
      ['a']
    )
    assert.deepEqual(
      names(
        await Sound.query().withScopes((s) => {
          s.available()
        })
      ),
      ['a', 'b']
    )
    assert.deepEqual(
      names(
        await Sound.query().withScopes((s) => {
          s.public()
        })
      ),
      [archive.name]
    )
    assert.strictEqual(
      (await Sound.findOrFail(archive.id)).isPublic,
      true,
      'booleans come back as booleans'
    )
  })

  test('a track belongs to an episode or to a sound, never both nor neither', async ({
    assert,
  }) => {
    const { program, episode } = await world()
    const sound = await SoundFactory.merge({ programId: program.id }).create()
    await TrackFactory.merge({
      soundId: sound.id,
      title: 'In the sound',
      timestamp: 40000,
    }).create()
    await TrackFactory.merge({ episodeId: episode.id, title: 'In the tracklist' }).create()
    await assert.rejects(
      () => Track.create({ title: 'Nowhere', position: 0 }),
      /not both nor neither/
    )
    await assert.rejects(
      () => Track.create({ episodeId: episode.id, soundId: sound.id, title: 'Both', position: 0 }),
      /not both nor neither/
    )
    // The database holds the rule too, for other tools.
    await assert.rejects(async () => {
      await db.transaction(async (trx) => {
        await trx.insertQuery().table('tracks').insert({ title: 'raw', position: 0 })
      })
    })
    // No 32767 s cap on timestamps (Aircox's PositiveSmallIntegerField).
    assert.equal(
      (await Track.query().where('title', 'In the sound').firstOrFail()).timestamp,
      40000
    )
  })

  test('a log keeps its air time to the millisecond, in UTC, and date() reads a local day', async ({
    assert,
  }) => {
    const { station } = await world()
    const at = DateTime.fromISO('2030-07-01T00:15:30.250+02:00')
    const log = await LogFactory.merge({
      stationId: station.id,
      date: at,
      source: 'dealer',
    }).create()
    const read = await Log.findOrFail(log.id)
    assert.equal(read.date.toISO(), '2030-06-30T22:15:30.250Z')
    const day = await Log.query().withScopes((s) => {
      s.station(station)
      s.onAir()
      s.date('2030-07-01', 'Europe/Brussels')
    })
    assert.deepEqual(
      day.map((l) => l.id),
      [log.id]
    )
  })

  test("a user's password is stored hashed", async ({ assert }) => {
    const user = await UserFactory.merge({ password: 'secret-words' }).create()
    const row = await db.from('users').where('id', user.id).firstOrFail()
    assert.notEqual(row.password, 'secret-words')
    assert.isTrue(await (await User.findOrFail(user.id)).verifyPassword('secret-words'))
  })
})
