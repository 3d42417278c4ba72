import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import { join } from 'node:path'
import testUtils from '@adonisjs/core/services/test_utils'
import Sound from '#models/sound'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory } from '#database/factories/sound_factories'
import { UserFactory } from '#database/factories/user_factory'

let serial = 0

/** A program's episode with a live show's recording in its archives, and the program's host. */
async function recordedEpisode() {
  const station = await StationFactory.create()
  const program = await ProgramFactory.merge({
    stationId: station.id,
    slug: `late-talk-${++serial}`,
  }).create()
  const episode = await EpisodeFactory.merge({ programId: program.id }).create()
  const recording = await SoundFactory.apply('analysed')
    .merge({
      programId: program.id,
      episodeId: episode.id,
      name: `late talk ${serial}`,
      path: join(program.archivesDir, `20300301_20h00_${program.slug}.mp3`),
    })
    .create()
  // An hour, two minutes and five seconds: the state says an hour.
  await recording.merge({ duration: 3725 }).save()
  const host = await UserFactory.create()
  await host.related('programs').attach([program.id])
  return { station, program, episode, recording, host }
}

function podcast(client: ApiClient, sound: Sound, isPublic: boolean) {
  return client
    .post(`/staff/sounds/${sound.id}/podcast`)
    .form({ isPublic: String(isPublic) })
    .withCsrfToken()
    .header('referer', `/staff/episodes/${sound.episodeId}`)
    .redirects(0)
}

test.group("The episode page: its live show's recording, published in one click", (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('shows the recording with its duration, quality and a "Publish as podcast" button', async ({
    client,
    assert,
  }) => {
    const { episode, recording, host } = await recordedEpisode()
    const page = await client.get(`/staff/episodes/${episode.id}`).loginAs(host)
    page.assertStatus(200)
    const body = page.text()
    assert.include(body, recording.name)
    assert.include(body, 'live recording')
    assert.include(body, '1:02:05')
    assert.include(body, 'quality-good')
    assert.include(body, `action="/staff/sounds/${recording.id}/podcast"`)
    assert.include(body, 'Publish as podcast')
    assert.include(body, 'name="isPublic" value="true"')
  })

  test('a host of the program publishes it and takes it back; the page says so', async ({
    client,
    assert,
  }) => {
    const { episode, recording, host } = await recordedEpisode()
    const published = await podcast(client, recording, true).loginAs(host)
    published.assertStatus(302)
    assert.equal(published.flashMessages().notice, `${recording.name} is published as a podcast.`)
    assert.isTrue((await Sound.findOrFail(recording.id)).isPublic)
    const page = await client.get(`/staff/episodes/${episode.id}`).loginAs(host)
    assert.include(page.text(), 'Unpublish')
    assert.include(page.text(), 'name="isPublic" value="false"')

    await podcast(client, recording, false).loginAs(host)
    assert.isFalse((await Sound.findOrFail(recording.id)).isPublic)
  })

  test("the program's station manager may too; a host of another program, or its station's manager, may not", async ({
    client,
    assert,
  }) => {
    const { station, recording } = await recordedEpisode()
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([station.id])
    ;(await podcast(client, recording, true).loginAs(manager)).assertStatus(302)
    assert.isTrue((await Sound.findOrFail(recording.id)).isPublic)

    const other = await recordedEpisode()
    const outsider = await UserFactory.apply('manager').create()
    await outsider.related('stations').attach([other.station.id])
    for (const who of [other.host, outsider]) {
      ;(await podcast(client, recording, false).loginAs(who)).assertStatus(403)
      assert.isTrue((await Sound.findOrFail(recording.id)).isPublic)
    }
  })

  test('a value that is not a boolean is refused and changes nothing; a removed sound cannot be published', async ({
    client,
    assert,
  }) => {
    const { recording, host } = await recordedEpisode()
    const refused = await client
      .post(`/staff/sounds/${recording.id}/podcast`)
      .form({ isPublic: 'maybe' })
      .withCsrfToken()
      .loginAs(host)
      .header('referer', `/staff/episodes/${recording.episodeId}`)
      .redirects(0)
    refused.assertStatus(302)
    assert.property(refused.flashMessages().inputErrorsBag, 'isPublic')
    assert.isFalse((await Sound.findOrFail(recording.id)).isPublic)

    await recording.merge({ type: 'removed' }).save()
    ;(await podcast(client, recording, true).loginAs(host)).assertStatus(404)
    assert.isFalse((await Sound.findOrFail(recording.id)).isPublic)
  })
})
