import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory } from '#database/factories/sound_factories'
import { Streamer } from '#streamer/streamer'
import { writeStationConfig } from '#streamer/station_config'

test.group('Streamer configuration', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a station without an active output is refused with a clear message', async ({ assert }) => {
    const station = await StationFactory.create()
    await OutputFactory.merge({ stationId: station.id, active: false }).create()
    await assert.rejects(
      () => Streamer.stations([station.slug]),
      new RegExp(`station "${station.slug}" has no active output`)
    )
  })

  test('an unknown station is refused, naming the known ones', async ({ assert }) => {
    await assert.rejects(() => Streamer.stations(['nowhere']), /unknown station "nowhere"/)
  })

  test('the script is checked by Liquidsoap, hostile names cannot inject code, playlists list good archives with their gain', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      name: 'Radio "#{exit(1)}" \\ Évasion',
      path: app.makePath(`tmp/test/config-${Date.now()}`),
    }).create()
    await OutputFactory.merge({
      stationId: station.id,
      password: 'p"w#{x}',
      format: 'ogg',
      bitrate: 96,
    }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Night\nJazz',
      slug: 'night-jazz',
    }).create()
    await StreamFactory.merge({
      programId: program.id,
      begin: '22:00',
      end: '06:00',
      delay: 3600,
    }).create()
    // d is not measured yet.
    await SoundFactory.apply('public')
      .merge([
        {
          programId: program.id,
          path: '/srv/a.ogg',
          isGoodQuality: true,
          loudness: -20,
          truePeak: -9,
        },
        { programId: program.id, path: '/srv/b.ogg', isGoodQuality: false },
        { programId: program.id, path: '/srv/c.ogg', type: 'excerpt', isGoodQuality: true },
        { programId: program.id, path: '/srv/d.ogg' },
      ])
      .createMany(4)
    const result = await writeStationConfig(station)
    assert.isTrue(result.scriptChanged)
    const script = await readFile(result.script, 'utf8')
    assert.include(script, 'password=("p\\"w#" ^ "{x}")')
    assert.include(
      script,
      'night_jazz = switch(track_sensitive=true, [({ 22h00-6h00 }, night_jazz)])'
    )
    assert.include(script, 'night_jazz = delay(3600., night_jazz)')
    assert.include(script, '# Night Jazz, from 22:00 to 06:00, at most every 3600 s')
    assert.equal(
      await readFile(join(station.workingDir, 'night_jazz.m3u'), 'utf8'),
      '#EXTM3U\nannotate:liq_amplify="4 dB":/srv/a.ogg\n'
    )
    // Unchanged data: nothing rewritten.
    assert.isFalse((await writeStationConfig(station)).scriptChanged)
    // A program may take its archives whatever their quality (bad or not measured yet).
    program.acceptAnyQuality = true
    await program.save()
    await writeStationConfig(station)
    assert.equal(
      await readFile(join(station.workingDir, 'night_jazz.m3u'), 'utf8'),
      '#EXTM3U\nannotate:liq_amplify="4 dB":/srv/a.ogg\n/srv/b.ogg\n/srv/d.ogg\n'
    )
  })
})
