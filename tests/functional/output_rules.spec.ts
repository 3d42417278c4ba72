import { test } from '@japa/runner'
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import { isMountName, isRecordingName } from '#models/output'
import { StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { OutputFactory } from '#database/factories/output_factory'
import { stationPaths, writeStationConfig } from '#streamer/station_config'
import { makeMusic } from '#demo/demo_audio'

test.group('File outputs write inside the station folder only', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a recording is a file name with strftime codes; a mount is an absolute path; neither takes .. or control characters', ({
    assert,
  }) => {
    for (const name of ['live.mp3', 'demo-%Y%m%d-%H%M%S.ogg', 'a+b_c.opus'])
      assert.isTrue(isRecordingName(name), name)
    for (const name of [
      '/etc/cron.d/antenne',
      '../station.liq',
      'a/b.mp3',
      '..mp3',
      '',
      'a\nb',
      '.hidden',
      'x'.repeat(201),
    ])
      assert.isFalse(isRecordingName(name), name)
    for (const mount of ['/demo.mp3', '/a/b.ogg', '/live']) assert.isTrue(isMountName(mount), mount)
    for (const mount of ['demo.mp3', '/../x', '/demo-fallback.mp3', '/a b', '/x<y>'])
      assert.isFalse(isMountName(mount), mount)
  })

  test('a manager posting a file output to an absolute path is refused beside the field, and nothing is saved', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.create()
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([station.id])
    const response = await client
      .post(`/staff/stations/${station.id}/outputs`)
      .form({
        _form: 'output-new',
        type: 'file',
        mount: '/etc/cron.d/antenne',
        format: 'mp3',
        bitrate: '128',
        active: 'on',
      })
      .withCsrfToken()
      .loginAs(manager)
      .header('referer', `/staff/stations/${station.id}`)
      .redirects(0)
    assert.properties(response.flashMessages().inputErrorsBag, ['mount'])
    assert.lengthOf(await db.from('outputs').where('station_id', station.id), 0)
  })

  test('the model refuses such an output whoever saves it, and the renderer refuses a row written around the model', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      path: app.makePath(`tmp/test/output-rules-${Date.now()}`),
    }).create()
    await assert.rejects(
      () =>
        OutputFactory.apply('recording')
          .merge({ stationId: station.id, mount: '../../../../etc/cron.d/x' })
          .create(),
      /E_INVALID_RECORD|file name inside/
    )
    assert.lengthOf(await db.from('outputs').where('station_id', station.id), 0)
    // Around the model, on purpose: the renderer must refuse it on its own.
    await db.table('outputs').insert({
      station_id: station.id,
      type: 'file',
      mount: '/etc/cron.d/antenne',
      format: 'mp3',
      bitrate: 128,
      active: true,
    })
    await assert.rejects(
      () => writeStationConfig(station),
      /not a file name inside the recordings folder/
    )
    assert.isFalse(existsSync(stationPaths(station).script))
  })

  test("a valid recording name is written inside the station's recordings folder", async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      path: app.makePath(`tmp/test/output-rules-${Date.now()}`),
    }).create()
    await OutputFactory.apply('recording')
      .merge({ stationId: station.id, mount: 'air-%Y%m%d.mp3', bitrate: 64 })
      .create()
    const { script } = await writeStationConfig(station)
    assert.include(
      await readFile(script, 'utf8'),
      JSON.stringify(join(station.workingDir, 'recordings', 'air-%Y%m%d.mp3'))
    )
    assert.isTrue(existsSync(join(station.workingDir, 'recordings')))
    // The script holds the outputs' passwords: other users may not read it.
    assert.equal(statSync(script).mode & 0o007, 0)
  })
})

test.group('The live input', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a station with a live input gets a generated password of 16+ characters; a short one is refused by the model and the form', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.merge({ harborPort: 8099 }).create()
    assert.isAtLeast(station.harborPassword!.length, 16)
    const before = station.harborPassword
    station.harborPassword = 'short'
    await assert.rejects(() => station.save(), /16 characters at least/)
    await station.refresh()
    assert.equal(station.harborPassword, before)

    const admin = await UserFactory.apply('admin').create()
    const response = await client
      .post(`/staff/stations/${station.id}`)
      .form({
        name: station.name,
        slug: station.slug,
        timezone: station.timezone,
        harborPort: '8099',
        harborPassword: '1234567',
        active: 'on',
      })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', `/staff/stations/${station.id}`)
      .redirects(0)
    assert.properties(response.flashMessages().inputErrorsBag, ['harborPassword'])
    await station.refresh()
    assert.equal(station.harborPassword, before)
  })

  test('the live input listens on loopback unless configured', async ({ assert }) => {
    const { default: antenneConfig } = await import('#config/antenne')
    assert.equal(antenneConfig.streamer.harborBind, '127.0.0.1')
    const station = await StationFactory.merge({
      harborPort: 8098,
      path: app.makePath(`tmp/test/harbor-${Date.now()}`),
    }).create()
    await OutputFactory.apply('recording')
      .merge({ stationId: station.id, mount: 'x.mp3', bitrate: 64 })
      .create()
    const { script } = await writeStationConfig(station)
    assert.include(await readFile(script, 'utf8'), 'settings.harbor.bind_addrs.set(["127.0.0.1"])')
  })

  test("a silent live input airs the station's jingle if it is there, else the rotation; 0 s turns the detector off", async ({
    assert,
  }) => {
    const jingle = app.makePath(`tmp/test/jingle-${Date.now()}.mp3`)
    await makeMusic(jingle, 2, 3, { title: 'Technical problem' })
    const station = await StationFactory.merge({
      harborPort: 8097,
      path: app.makePath(`tmp/test/jingle-station-${Date.now()}`),
      liveSilenceAfter: 7,
      liveSilenceJingle: jingle,
    }).create()
    await OutputFactory.apply('recording')
      .merge({ stationId: station.id, mount: 'x.mp3', bitrate: 64 })
      .create()
    // Each passes liquidsoap --check (writeStationConfig refuses a script that does not).
    const text = async () => readFile((await writeStationConfig(station)).script, 'utf8')
    let script = await text()
    assert.include(script, `live_jingle = single(id="live_jingle", "${jingle}")`)
    assert.include(script, 'max_blank=7.')
    station.liveSilenceJingle = join(app.makePath('tmp/test'), 'no-such-jingle.mp3')
    await station.save()
    script = await text()
    assert.notInclude(script, 'live_jingle')
    assert.include(script, 'max_blank=7.')
    station.liveSilenceAfter = 0
    await station.save()
    assert.notInclude(await text(), 'blank.detect(id="live_silence"')
  })
})
