import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { LogFactory } from '#database/factories/log_factory'

const ZONE = 'Europe/Brussels'

test.group('Now playing: live shows and what comes next', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('while a host is live the live show is what airs, not the last song; the next song ends it', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.merge({ isDefault: true, timezone: ZONE }).create()
    const show = await ProgramFactory.merge({ stationId: station.id, title: 'Open Mic' }).create()
    const episode = await EpisodeFactory.merge({ programId: show.id, title: 'Night Call' }).create()
    const now = DateTime.utc()
    const diffusion = await DiffusionFactory.merge({
      episodeId: episode.id,
      start: now.minus({ minutes: 10 }),
      end: now.plus({ minutes: 50 }),
    }).create()
    await LogFactory.merge({
      stationId: station.id,
      date: now.minus({ minutes: 12 }),
      source: 'rotation',
      comment: 'The Song Before',
    }).create()
    // What the monitor logs when the harbor goes on air in a diffusion's slot.
    await LogFactory.merge({
      stationId: station.id,
      date: now.minus({ minutes: 9 }),
      source: 'live',
      diffusionId: diffusion.id,
      comment: 'Night Call',
    })
      .apply('start')
      .create()

    const live = (await client.get('/api/v1/now')).body()
    assert.isTrue(live.live)
    assert.isNull(live.track)
    assert.equal(live.diffusion.title, 'Night Call')
    const home = (await client.get('/')).text()
    assert.include(home, '<span class="live">Live</span>')
    assert.notInclude(home, 'The Song Before')
    assert.include((await client.get('/?lang=fr')).text(), '<span class="live">En direct</span>')

    // The host hands back to the rotation: its next song is on air again.
    await LogFactory.merge({
      stationId: station.id,
      date: now.minus({ minutes: 1 }),
      source: 'rotation',
      comment: 'The Song After',
    }).create()
    const after = (await client.get('/api/v1/now')).body()
    assert.isFalse(after.live)
    assert.equal(after.track.title, 'The Song After')
    assert.notInclude((await client.get('/')).text(), '<span class="live">')
  })

  test('"Next" gives the day of each diffusion, in the station\'s zone and the reader\'s language', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.merge({ isDefault: true, timezone: ZONE }).create()
    const show = await ProgramFactory.merge({ stationId: station.id, title: 'Later' }).create()
    const episode = await EpisodeFactory.merge({
      programId: show.id,
      title: 'In Three Days',
    }).create()
    // 23:30 UTC is already the next day in Brussels.
    const start = DateTime.utc()
      .plus({ days: 3 })
      .set({ hour: 23, minute: 30, second: 0, millisecond: 0 })
    await DiffusionFactory.merge({ episodeId: episode.id, start }).create()
    const local = start.setZone(ZONE)
    const english = (await client.get('/')).text()
    assert.include(
      english,
      `${local.setLocale('en').toFormat('ccc d LLL')} ${local.toFormat('HH:mm')}</time>`
    )
    const french = (await client.get('/?lang=fr')).text()
    assert.include(
      french,
      `${local.setLocale('fr').toFormat('ccc d LLL')} ${local.toFormat('HH:mm')}</time>`
    )
  })
})
