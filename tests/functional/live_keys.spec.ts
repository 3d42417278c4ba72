import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import LiveKey from '#models/live_key'
import { liveKeyHash } from '#live/live_login_rules'
import { issueLiveKey } from '#live/live_keys'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'

const KEY = /^[A-Za-z0-9_-]{43}$/

const keysOf = (userId: number) =>
  db.from('live_keys').where('user_id', userId).orderBy('id').select('*')

/** A host of a program on a station with a live input. */
async function hostOnAir() {
  const station = await StationFactory.merge({
    harborPort: 8010,
    hosts: 'radio.example www.radio.example',
  }).create()
  const program = await ProgramFactory.merge({ stationId: station.id }).create()
  const host = await UserFactory.merge({ email: `host-${Date.now()}@radio.example` }).create()
  await host.related('programs').attach([program.id])
  return { station, program, host }
}

test.group('Live keys in the CMS', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a host makes a key and sees it once, with how to connect; a reload shows its hint only', async ({
    client,
    assert,
  }) => {
    const { host } = await hostOnAir()
    const page = await client.get('/staff/live-key').loginAs(host)
    page.assertStatus(200)
    assert.include(page.text(), 'no key')

    const made = await client.post('/staff/live-key').withCsrfToken().loginAs(host).redirects(0)
    made.assertStatus(302)
    assert.equal(made.header('location'), '/staff/live-key')
    const key = String(made.flashMessages().newLiveKey)
    assert.match(key, KEY)
    const rows = await keysOf(host.id)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].key_hash, liveKeyHash(key))

    // The redirect's page: the key, and an ffmpeg line with the e-mail's @ encoded.
    const shown = await client
      .get('/staff/live-key')
      .withFlashMessages(made.flashMessages())
      .loginAs(host)
    shown.assertStatus(200)
    assert.include(shown.text(), key)
    const encoded = host.email.replace('@', '%40')
    assert.include(shown.text(), `icecast://${encoded}:${key}@radio.example:8010/live`)
    assert.include(shown.text(), host.email)

    // A reload: the flash is gone, the key with it.
    const reloaded = await client.get('/staff/live-key').loginAs(host)
    reloaded.assertStatus(200)
    assert.notInclude(reloaded.text(), key)
    assert.include(reloaded.text(), `${key.slice(0, 6)}…`)
    assert.include(reloaded.text(), `icecast://${encoded}:KEY@radio.example:8010/live`)
  })

  test('the key is not in the page of a request that did not make it', async ({
    client,
    assert,
  }) => {
    const { host } = await hostOnAir()
    const { key } = await issueLiveKey(host)
    const page = await client.get('/staff/live-key').loginAs(host)
    assert.notInclude(page.text(), key)
    assert.include(page.text(), key.slice(0, 6))
  })

  test('a host revokes their key; the form needs its CSRF token', async ({ client, assert }) => {
    const { host } = await hostOnAir()
    await issueLiveKey(host)
    const forged = await client.post('/staff/live-key/revoke').loginAs(host).redirects(0)
    assert.property(forged.flashMessages().errorsBag, 'E_BAD_CSRF_TOKEN')
    assert.isNull((await keysOf(host.id))[0].revoked_at)

    const revoked = await client
      .post('/staff/live-key/revoke')
      .withCsrfToken()
      .loginAs(host)
      .redirects(0)
    revoked.assertStatus(302)
    assert.equal(revoked.flashMessages().notice, 'Live key revoked.')
    assert.isNotNull((await keysOf(host.id))[0].revoked_at)
    const page = await client.get('/staff/live-key').loginAs(host)
    assert.include(page.text(), 'revoked')
  })

  test("another host cannot revoke a host's key; a manager of another station neither; nothing changes", async ({
    client,
    assert,
  }) => {
    const { host } = await hostOnAir()
    await issueLiveKey(host)
    const other = await UserFactory.create()
    const elsewhere = await StationFactory.create()
    const outsider = await UserFactory.apply('manager').create()
    await outsider.related('stations').attach([elsewhere.id])
    for (const who of [other, outsider]) {
      const refused = await client
        .post(`/staff/users/${host.id}/live-key/revoke`)
        .withCsrfToken()
        .loginAs(who)
        .redirects(0)
      refused.assertStatus(403)
    }
    const missing = await client
      .post('/staff/users/999999/live-key/revoke')
      .withCsrfToken()
      .loginAs(other)
      .redirects(0)
    missing.assertStatus(404)
    assert.isNull((await keysOf(host.id))[0].revoked_at)
  })

  test("a manager of the host's station and an admin revoke the host's key", async ({
    client,
    assert,
  }) => {
    const { station, host } = await hostOnAir()
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([station.id])
    const admin = await UserFactory.apply('admin').create()
    for (const who of [manager, admin]) {
      await issueLiveKey(host)
      const revoked = await client
        .post(`/staff/users/${host.id}/live-key/revoke`)
        .withCsrfToken()
        .loginAs(who)
        .header('referer', `/staff/stations/${station.id}/live`)
        .redirects(0)
      revoked.assertStatus(302)
      assert.equal(revoked.flashMessages().notice, `The live key of ${host.email} is revoked.`)
      assert.lengthOf(
        await LiveKey.query()
          .where('user_id', host.id)
          .withScopes((s) => s.active()),
        0
      )
    }
  })

  test("the admin's users page shows a user's key state and its revoke button", async ({
    client,
    assert,
  }) => {
    const { host } = await hostOnAir()
    const { liveKey } = await issueLiveKey(host)
    const admin = await UserFactory.apply('admin').create()
    const page = await client.get(`/staff/users/${host.id}`).loginAs(admin)
    page.assertStatus(200)
    assert.include(page.text(), `${liveKey.hint}…`)
    assert.include(page.text(), `action="/staff/users/${host.id}/live-key/revoke"`)
  })
})
