import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import EventSink from '#models/event_sink'
import { sqlDateTime } from '#models/columns'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { events } from '#events/event_outbox'

let serial = 0

test.group('Staff CMS: event sinks', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin adds a webhook sink; its rules are checked; its key is never shown; a manager may not see sinks', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const name = `ops-${++serial}`
    const bad = await client
      .post('/staff/events/sinks')
      .form({
        name,
        url: 'https://hooks.example/antenne',
        key: 'k',
        minLevel: 'info',
        only: 'event=dead_air\nstation',
        timeoutMs: '5000',
        maxAttempts: '50',
        batchSize: '100',
        active: 'on',
      })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/events/sinks/create')
      .redirects(0)
    assert.include(
      (bad.flashMessages().inputErrorsBag as Record<string, string[]>).only[0],
      'line 2'
    )
    const good = await client
      .post('/staff/events/sinks')
      .form({
        name,
        url: 'https://hooks.example/antenne',
        key: 'top-secret-key',
        minLevel: 'warning',
        only: 'event=dead_air,output_down',
        timeoutMs: '5000',
        maxAttempts: '20',
        batchSize: '50',
        active: 'on',
      })
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    good.assertStatus(302)
    const sink = await EventSink.findByOrFail('name', name)
    assert.equal(sink.key, 'top-secret-key')
    assert.equal(sink.maxAttempts, 20)
    const page = await client.get(`/staff/events/sinks/${sink.id}`).loginAs(admin)
    assert.notInclude(page.text(), 'top-secret-key')
    assert.include((await client.get('/staff/events').loginAs(admin)).text(), name)

    await client
      .post(`/staff/events/sinks/${sink.id}/rewind`)
      .form({ fromEventId: '1' })
      .withCsrfToken()
      .loginAs(admin)
    assert.equal((await EventSink.findOrFail(sink.id)).cursor, 0)

    const manager = await UserFactory.apply('manager').create()
    ;(await client.get('/staff/events').loginAs(manager)).assertStatus(403)
  })

  test('the events page lists recent events, filtered by type, escaped', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const slug = `ev-${++serial}`
    events.emit('dead_air', slug, { note: '<script>x</script>' })
    events.emit('output_up', slug, {})
    await events.flush()
    const html = (
      await client.get('/staff/events').qs({ type: 'dead_air', station: slug }).loginAs(admin)
    ).text()
    assert.include(html, 'dead_air')
    assert.notInclude(html, '>output_up <')
    assert.notInclude(html, '<script>x</script>')
  })
})

test.group('Staff CMS: stations and outputs', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("an admin sets a station's RadioVIS topic (checked) and an output's Icecast admin account (never shown back)", async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const station = await StationFactory.merge({ timezone: 'Europe/Brussels' }).create()
    const form = {
      name: station.name,
      slug: station.slug,
      timezone: 'Europe/Brussels',
      active: 'on',
    }
    const bad = await client
      .post(`/staff/stations/${station.id}`)
      .form({ ...form, radiovisTopic: 'fm/no-prefix' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/x')
      .redirects(0)
    assert.properties(bad.flashMessages().inputErrorsBag, ['radiovisTopic'])
    // Slashes alone are not enough: receivers only subscribe to RadioVIS topics.
    const notVis = await client
      .post(`/staff/stations/${station.id}`)
      .form({ ...form, radiovisTopic: '/topic/antenne/demo' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/x')
      .redirects(0)
    assert.properties(notVis.flashMessages().inputErrorsBag, ['radiovisTopic'])
    await client
      .post(`/staff/stations/${station.id}`)
      .form({ ...form, radiovisTopic: '/topic/fm/ce1/c479/09580', radiovisText: 'Radio, 99.9' })
      .withCsrfToken()
      .loginAs(admin)
    await station.refresh()
    assert.equal(station.radiovisTopic, '/topic/fm/ce1/c479/09580')
    await client
      .post(`/staff/stations/${station.id}/outputs`)
      .form({
        _form: 'output-new',
        type: 'icecast',
        host: '127.0.0.1',
        port: '8000',
        mount: '/live.mp3',
        password: 'src-secret',
        adminUser: 'admin',
        adminPassword: 'admin-secret',
        format: 'mp3',
        bitrate: '128',
        active: 'on',
      })
      .withCsrfToken()
      .loginAs(admin)
    const output = await db.from('outputs').where('station_id', station.id).firstOrFail()
    assert.equal(output.admin_password, 'admin-secret')
    const page = (await client.get(`/staff/stations/${station.id}`).loginAs(admin)).text()
    assert.notInclude(page, 'admin-secret')
    assert.notInclude(page, 'src-secret')
  })
})

test.group('Staff CMS: listener statistics', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the page charts the samples, gives each diffusion its audience, and exports CSV', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.merge({
      timezone: 'Europe/Brussels',
      name: 'Radio Stats',
    }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Night, Talk',
      slug: `night-${++serial}`,
    }).create()
    const start = DateTime.utc().minus({ hours: 3 }).startOf('hour')
    const episode = await EpisodeFactory.merge({ programId: program.id, title: 'Pilot' }).create()
    await DiffusionFactory.merge({ episodeId: episode.id, start }).create()
    // Two mounts polled together every 10 minutes; during the show 10 + 2 listeners.
    for (let m = -60; m <= 150; m += 10) {
      const at = sqlDateTime(start.plus({ minutes: m }))
      const during = m >= 0 && m < 60
      await db.table('listener_samples').multiInsert([
        {
          station_id: station.id,
          mount: '/hi.mp3',
          at,
          listeners: during ? 10 + (m === 30 ? 5 : 0) : 3,
          peak: 20,
        },
        { station_id: station.id, mount: '/lo.ogg', at, listeners: during ? 2 : 1, peak: 5 },
      ])
    }
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([station.id])
    const page = await client
      .get('/staff/listeners')
      .qs({ station: station.id, days: 1 })
      .loginAs(manager)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, '<svg')
    assert.match(html, /<path class="max" d="M/)
    // Samples at 0..50 min: 12 each, 17 at 30 min → average 12.8, peak 17.
    assert.match(html, /Night, Talk<\/a> — Pilot<\/td>\s*<td>12\.8<\/td>\s*<td>17<\/td>/)

    const csv = await client
      .get('/staff/listeners.csv')
      .qs({ station: station.id, days: 1, what: 'audience' })
      .loginAs(manager)
    assert.equal(csv.header('content-type'), 'text/csv; charset=utf-8')
    assert.include(csv.text(), '"Night, Talk",Pilot,12.8,17,6')
    const samples = await client
      .get('/staff/listeners.csv')
      .qs({ station: station.id, days: 1 })
      .loginAs(manager)
    assert.match(samples.text(), /^time,listeners\n/)
    assert.include(samples.text(), ',17\n')

    const stranger = await UserFactory.apply('manager').create()
    const theirs = await client
      .get('/staff/listeners')
      .qs({ station: station.id })
      .loginAs(stranger)
    assert.notInclude(theirs.text(), 'Radio Stats')
  })
})
