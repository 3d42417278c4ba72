import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { StationFactory } from '#database/factories/programme_factories'
import Sound from '#models/sound'
import { Streamer } from '#streamer/streamer'
import { writeStationConfig } from '#streamer/station_config'

test.group('Streamer configuration', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a station without an active output is refused with a clear message', async ({ assert }) => {
    const station = await StationFactory.create()
    await station.related('outputs').create({
      type: 'icecast',
      host: '127.0.0.1',
      port: 8000,
      mount: '/x.mp3',
      password: 'pw',
      format: 'mp3',
      bitrate: 128,
      active: false,
    })
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
    await station.related('outputs').create({
      type: 'icecast',
      host: '127.0.0.1',
      port: 8000,
      mount: '/x.mp3',
      password: 'p"w#{x}',
      format: 'ogg',
      bitrate: 96,
      active: true,
    })
    const program = await station
      .related('programs')
      .create({ title: 'Night\nJazz', slug: 'night-jazz', active: true })
    await program.related('stream').create({ begin: '22:00', end: '06:00', delay: 3600 })
    await Sound.createMany([
      {
        programId: program.id,
        name: 'a',
        path: '/srv/a.ogg',
        type: 'archive',
        isPublic: true,
        isGoodQuality: true,
        loudness: -20,
        truePeak: -9,
      },
      {
        programId: program.id,
        name: 'b',
        path: '/srv/b.ogg',
        type: 'archive',
        isPublic: true,
        isGoodQuality: false,
      },
      {
        programId: program.id,
        name: 'c',
        path: '/srv/c.ogg',
        type: 'excerpt',
        isPublic: true,
        isGoodQuality: true,
      },
      { programId: program.id, name: 'd', path: '/srv/d.ogg', type: 'archive', isPublic: true },
    ])
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
