import { test } from '@japa/runner'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#models/user'
import TracksImport from '#commands/tracks_import'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { runCommand } from '#tests/helpers'

let serial = 0

/** A host's program with an episode and a 45-minute sound, each with one track already. */
async function tracklists() {
  const station = await StationFactory.create()
  const program = await ProgramFactory.merge({
    stationId: station.id,
    slug: `ts-${Date.now()}-${++serial}`,
  }).create()
  const host = await UserFactory.create()
  await host.related('programs').attach([program.id])
  const episode = await EpisodeFactory.merge({ programId: program.id, title: 'Night' }).create()
  const sound = await SoundFactory.merge({
    programId: program.id,
    name: 'mix',
    duration: 45 * 60 + 0.4,
  }).create()
  await TrackFactory.merge([
    { episodeId: episode.id, title: 'Kept', timestamp: null },
    { soundId: sound.id, title: 'Kept', timestamp: 60 },
  ]).createMany(2)
  const token = await User.accessTokens.create(host)
  return { episode, sound, host, secret: token.value!.release() }
}

const tracksOf = (column: 'episode_id' | 'sound_id', id: number) =>
  db.from('tracks').where(column, id).orderBy('position').select('title', 'timestamp', 'position')

test.group("Track timestamps: whole seconds from 0 to the sound's end", (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  let dir: string
  group.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'antenne-ts-'))
    return () => rm(dir, { recursive: true, force: true })
  })

  test("the API refuses 10^23 s, a time after the sound's end and more than 24 h in an episode: 422, tracks unchanged", async ({
    client,
    assert,
  }) => {
    const { episode, sound, secret } = await tracklists()
    const before = {
      sound: await tracksOf('sound_id', sound.id),
      episode: await tracksOf('episode_id', episode.id),
    }

    const huge = await client
      .put(`/api/v1/sounds/${sound.id}/tracks`)
      .bearerToken(secret)
      .json({ tracks: [{ title: 'Forever', timestamp: '100000000000000000000000' }] })
    huge.assertStatus(422)
    const hugeClock = await client
      .put(`/api/v1/sounds/${sound.id}/tracks`)
      .bearerToken(secret)
      .json({ tracks: [{ title: 'Forever', timestamp: '99999999999999999999999:00' }] })
    hugeClock.assertStatus(422)
    const fraction = await client
      .put(`/api/v1/sounds/${sound.id}/tracks`)
      .bearerToken(secret)
      .json({ tracks: [{ title: 'Half', timestamp: '1.5' }] })
    fraction.assertStatus(422)
    const negative = await client
      .put(`/api/v1/sounds/${sound.id}/tracks`)
      .bearerToken(secret)
      .json({ tracks: [{ title: 'Before', timestamp: '-5' }] })
    negative.assertStatus(422)
    const afterEnd = await client
      .put(`/api/v1/sounds/${sound.id}/tracks`)
      .bearerToken(secret)
      .json({
        tracks: [
          { title: 'Intro', timestamp: '0' },
          { title: 'Late', timestamp: '46:00' },
        ],
      })
    afterEnd.assertStatus(422)
    assert.include(afterEnd.body().message, 'after the end of the sound (45:01)')
    const dayLong = await client
      .put(`/api/v1/episodes/${episode.id}/tracks`)
      .bearerToken(secret)
      .json({ tracks: [{ title: 'Tomorrow', timestamp: '24:00:01' }] })
    dayLong.assertStatus(422)

    assert.deepEqual(await tracksOf('sound_id', sound.id), before.sound)
    assert.deepEqual(await tracksOf('episode_id', episode.id), before.episode)

    // The bounds themselves are accepted: 0 and the sound's last second.
    const edge = await client
      .put(`/api/v1/sounds/${sound.id}/tracks`)
      .bearerToken(secret)
      .json({
        tracks: [
          { title: 'First', timestamp: '0' },
          { title: 'Last', timestamp: '45:01' },
        ],
      })
    edge.assertStatus(200)
    assert.deepEqual(
      (await tracksOf('sound_id', sound.id)).map((t) => t.timestamp),
      [0, 2701]
    )
  })

  test('the CMS form refuses them with a message on the field or the form, and the tracklist stays as it was', async ({
    client,
    assert,
  }) => {
    const { sound, host } = await tracklists()
    const before = await tracksOf('sound_id', sound.id)

    const huge = await client
      .post(`/staff/sounds/${sound.id}/tracks`)
      .form({ 'tracks[0][title]': 'Forever', 'tracks[0][timestamp]': '100000000000000000000000' })
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    huge.assertStatus(302)
    assert.properties(huge.flashMessages().inputErrorsBag, ['tracks.0.timestamp'])

    const late = await client
      .post(`/staff/sounds/${sound.id}/tracks`)
      .form({ 'tracks[0][title]': 'Late', 'tracks[0][timestamp]': '1:00:00' })
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    late.assertStatus(302)
    assert.include(String(late.flashMessages().problem), 'after the end of the sound (45:01)')

    const french = await client
      .post(`/staff/sounds/${sound.id}/tracks?lang=fr`)
      .form({ 'tracks[0][title]': 'Forever', 'tracks[0][timestamp]': '30:00:00' })
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .header('accept-language', 'fr')
      .redirects(0)
    french.assertFlashMessage('inputErrorsBag', {
      'tracks.0.timestamp': ['Le champ minutage doit être un moment du son, au plus 24:00:00'],
    })

    assert.deepEqual(await tracksOf('sound_id', sound.id), before)
  })

  test("a CSV of 10^23 s, or past the sound's end, names its line and changes nothing (CMS upload and tracks:import)", async ({
    client,
    assert,
  }) => {
    const { sound, episode, host } = await tracklists()
    const before = {
      sound: await tracksOf('sound_id', sound.id),
      episode: await tracksOf('episode_id', episode.id),
    }
    await writeFile(join(dir, 'huge.csv'), 'A;Intro;0;0\nB;Forever;1666666666666666666666;40\n')
    await writeFile(join(dir, 'late.csv'), 'A;Intro;0;0\nB;Late;50;0\n')

    const huge = await client
      .post(`/staff/episodes/${episode.id}/tracks.csv`)
      .file('csv', join(dir, 'huge.csv'))
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    assert.include(String(huge.flashMessages().problem), 'line 2: the timestamp')
    const late = await client
      .post(`/staff/sounds/${sound.id}/tracks.csv`)
      .file('csv', join(dir, 'late.csv'))
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    assert.include(
      String(late.flashMessages().problem),
      'line 2: the timestamp 50:00 is after the end of the sound (45:01)'
    )

    for (const file of ['huge.csv', 'late.csv']) {
      const { exitCode, output } = await runCommand(TracksImport, [
        join(dir, file),
        '--sound',
        String(sound.id),
      ])
      assert.equal(exitCode, 1)
      assert.match(output, /E_INVALID_(ARGUMENT|RECORD): line 2: the timestamp/)
    }

    assert.deepEqual(await tracksOf('sound_id', sound.id), before.sound)
    assert.deepEqual(await tracksOf('episode_id', episode.id), before.episode)
  })
})
