import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { OutputFactory } from '#database/factories/output_factory'

/** A station, one of its outputs, its manager and the host of one of its programs. */
async function station() {
  const north = await StationFactory.merge({ name: 'Radio Nord' }).create()
  const output = await OutputFactory.merge({
    stationId: north.id,
    mount: '/nord.mp3',
    password: 'source-secret',
  }).create()
  const talk = await ProgramFactory.merge({
    stationId: north.id,
    slug: `talk-${Date.now()}`,
  }).create()
  const manager = await UserFactory.apply('manager').create()
  await manager.related('stations').attach([north.id])
  const host = await UserFactory.create()
  await host.related('programs').attach([talk.id])
  return { north, output, manager, host }
}

const stationRows = async () => ({
  stations: await db.from('stations').orderBy('id'),
  outputs: await db.from('outputs').orderBy('id'),
})

test.group('Staff CMS: hosts do not see stations', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a host gets 403 on every stations page and change, and nothing changes', async ({
    client,
    assert,
  }) => {
    const { north, output, host } = await station()
    const before = await stationRows()

    for (const url of [
      '/staff/stations',
      `/staff/stations/${north.id}`,
      '/staff/stations/create',
    ]) {
      const response = await client.get(url).loginAs(host)
      response.assertStatus(403)
      assert.include(response.text(), 'Not allowed', url)
      assert.notInclude(response.text(), 'source-secret', url)
      assert.notInclude(response.text(), '/nord.mp3', url)
    }
    const writes = [
      client
        .post(`/staff/stations/${north.id}`)
        .form({ name: 'Taken', slug: north.slug, timezone: 'UTC' }),
      client.post(`/staff/stations/${north.id}/outputs`).form({
        type: 'icecast',
        host: 'evil.example',
        port: 8000,
        mount: '/x.mp3',
        password: 'x',
        format: 'mp3',
        bitrate: 128,
      }),
      client.post(`/staff/outputs/${output.id}`).form({
        type: 'icecast',
        host: 'evil.example',
        port: 8000,
        mount: '/x.mp3',
        password: 'x',
        format: 'mp3',
        bitrate: 128,
      }),
      client.post(`/staff/outputs/${output.id}/delete`),
    ]
    for (const write of writes) (await write.withCsrfToken().loginAs(host)).assertStatus(403)

    assert.deepEqual(await stationRows(), before)
  })

  test('the staff menu shows Stations to managers and admins, not to hosts', async ({
    client,
    assert,
  }) => {
    const { north, manager, host } = await station()
    const admin = await UserFactory.apply('admin').create()
    const hostPage = await client.get('/staff').loginAs(host)
    hostPage.assertStatus(200)
    assert.notInclude(hostPage.text(), 'href="/staff/stations"')
    for (const user of [manager, admin]) {
      const page = await client.get('/staff').loginAs(user)
      assert.include(page.text(), 'href="/staff/stations"', user.role)
      ;(await client.get('/staff/stations').loginAs(user)).assertStatus(200)
      ;(await client.get(`/staff/stations/${north.id}`).loginAs(user)).assertStatus(200)
    }
  })
})
