import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Edge from '#models/edge'
import { addEdge } from '#edges/edge_registry'
import { StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'

const NEXT_STEP = '--dir /var/lib/antenne/edge --output /var/lib/antenne/edge/icecast.xml'
let serial = 0

/** Two stations, an admin, a manager of the first, a host. */
async function desk() {
  const north = await StationFactory.merge({ name: 'Radio Nord' }).create()
  const south = await StationFactory.merge({ name: 'Radio Sud' }).create()
  const admin = await UserFactory.apply('admin').create()
  const manager = await UserFactory.apply('manager').create()
  await manager.related('stations').attach([north.id])
  const host = await UserFactory.create()
  return { north, south, admin, manager, host }
}

/** The edge form as a browser posts it: ticked stations as `stations[]`. */
function form(name: string, { stations, ...fields }: Record<string, unknown> = {}) {
  return {
    name,
    host: 'edge.example.org',
    port: '8010',
    adminUser: 'admin',
    active: 'on',
    ...fields,
    ...(stations ? { 'stations[]': stations } : {}),
  }
}

async function pivot(edge: Edge) {
  const rows = await db.from('edge_station').where('edge_id', edge.id).select('station_id')
  return rows.map((r) => Number(r.station_id)).sort((a, b) => a - b)
}

test.group('Staff CMS: edge relays', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin adds an edge: its passwords are stored and shown on the next page only, with the next step', async ({
    client,
    assert,
  }) => {
    const { north, admin } = await desk()
    const name = `paris-${++serial}`
    const made = await client
      .post('/staff/edges')
      .form(form(name, { region: 'EU-West', stations: [north.slug] }))
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    made.assertStatus(302)
    const edge = await Edge.findByOrFail('name', name)
    assert.equal(made.header('location'), `/staff/edges/${edge.id}`)
    assert.equal(edge.region, 'eu-west')
    assert.isTrue(edge.active)
    assert.isFalse(edge.allStations)
    assert.deepEqual(await pivot(edge), [north.id])

    const passwords = made.flashMessages().edgePasswords as Record<string, string>
    assert.equal(passwords.relayPassword, edge.relayPassword)
    assert.equal(passwords.adminPassword, edge.adminPassword)
    assert.isAtLeast(edge.relayPassword.length, 24)

    const shown = await client
      .get(`/staff/edges/${edge.id}`)
      .withFlashMessages(made.flashMessages())
      .loginAs(admin)
    shown.assertStatus(200)
    assert.include(shown.text(), edge.relayPassword)
    assert.include(shown.text(), edge.adminPassword)
    assert.include(shown.text(), `node ace icecast:config --edge ${name} ${NEXT_STEP}`)

    const again = await client.get(`/staff/edges/${edge.id}`).loginAs(admin)
    again.assertStatus(200)
    assert.notInclude(again.text(), edge.relayPassword)
    assert.notInclude(again.text(), edge.adminPassword)
    assert.include(again.text(), NEXT_STEP)

    const list = await client.get('/staff/edges').loginAs(admin)
    list.assertStatus(200)
    assert.include(list.text(), name)
    assert.include(list.text(), 'edge.example.org:8010')
    assert.include(list.text(), north.name)
    assert.include(list.text(), NEXT_STEP)
    assert.notInclude(list.text(), edge.relayPassword)
  })

  test('no station ticked, or "every station" ticked, relays every station', async ({
    client,
    assert,
  }) => {
    const { north, admin } = await desk()
    for (const fields of [{}, { allStations: 'on', stations: [north.slug] }]) {
      const name = `all-${++serial}`
      await client
        .post('/staff/edges')
        .form(form(name, fields))
        .withCsrfToken()
        .loginAs(admin)
        .redirects(0)
      const edge = await Edge.findByOrFail('name', name)
      assert.isTrue(edge.allStations, name)
      assert.deepEqual(await pivot(edge), [], name)
    }
  })

  test('editing changes its stations (the pivot synced) and keeps its passwords out of the page', async ({
    client,
    assert,
  }) => {
    const { north, south, admin } = await desk()
    const { edge, passwords } = await addEdge({
      name: `lyon-${++serial}`,
      host: '10.0.0.2',
      port: 8000,
      stations: [north.slug],
    })
    const saved = await client
      .post(`/staff/edges/${edge.id}`)
      .form(form(edge.name, { host: '10.0.0.3', stations: [south.slug] }))
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    saved.assertStatus(302)
    await edge.refresh()
    assert.equal(edge.host, '10.0.0.3')
    assert.deepEqual(await pivot(edge), [south.id])
    assert.equal(edge.relayPassword, passwords.relayPassword)

    await client
      .post(`/staff/edges/${edge.id}`)
      .form(form(edge.name, { stations: [north.slug, south.slug] }))
      .withCsrfToken()
      .loginAs(admin)
    assert.deepEqual(
      await pivot(edge),
      [north.id, south.id].sort((a, b) => a - b)
    )

    await client
      .post(`/staff/edges/${edge.id}`)
      .form(form(edge.name, { allStations: 'on' }))
      .withCsrfToken()
      .loginAs(admin)
    await edge.refresh()
    assert.isTrue(edge.allStations)
    assert.deepEqual(await pivot(edge), [])

    const page = await client.get(`/staff/edges/${edge.id}`).loginAs(admin)
    assert.notInclude(page.text(), passwords.relayPassword)
    assert.notInclude(page.text(), passwords.adminPassword)
  })

  test('a duplicate name, an unknown station or an invalid field goes back to the form with a message, nothing changed', async ({
    client,
    assert,
  }) => {
    const { north, south, admin } = await desk()
    const { edge: taken } = await addEdge({
      name: `taken-${++serial}`,
      host: 'a.example',
      port: 8000,
    })
    const { edge } = await addEdge({
      name: `other-${++serial}`,
      host: 'b.example',
      port: 8000,
      stations: [north.slug],
    })
    const before = (await Edge.all()).length

    const duplicate = await client
      .post('/staff/edges')
      .form(form(taken.name))
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/edges/create')
      .redirects(0)
    duplicate.assertStatus(302)
    assert.equal(duplicate.header('location'), '/staff/edges/create')
    assert.include(String(duplicate.flashMessages().problem), 'exists already')
    assert.equal(duplicate.flashMessages().host, 'edge.example.org')

    const unknown = await client
      .post('/staff/edges')
      .form(form(`new-${++serial}`, { stations: ['no-such-station'] }))
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/edges/create')
      .redirects(0)
    assert.include(String(unknown.flashMessages().problem), 'unknown station "no-such-station"')
    assert.equal((await Edge.all()).length, before)

    // On the edit form: neither the other's name nor an unknown station is taken, nothing is saved.
    for (const fields of [
      form(taken.name, { stations: [south.slug] }),
      form(edge.name, { host: 'c.example', stations: [south.slug, 'nope'] }),
    ]) {
      const refused = await client
        .post(`/staff/edges/${edge.id}`)
        .form(fields)
        .withCsrfToken()
        .loginAs(admin)
        .header('referer', `/staff/edges/${edge.id}`)
        .redirects(0)
      assert.equal(refused.header('location'), `/staff/edges/${edge.id}`)
      assert.isString(refused.flashMessages().problem)
      const unchanged = await Edge.findOrFail(edge.id)
      assert.equal(unchanged.name, edge.name)
      assert.equal(unchanged.host, 'b.example')
      assert.deepEqual(await pivot(edge), [north.id])
    }

    const invalid = await client
      .post('/staff/edges')
      .form(form('Not A Slug', { port: '70000' }))
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/edges/create')
      .redirects(0)
    const errors = invalid.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.properties(errors, ['name', 'port'])
    assert.equal((await Edge.all()).length, before)

    // The form comes back with the messages and what was typed.
    const back = await client
      .get('/staff/edges/create')
      .withFlashMessages(invalid.flashMessages())
      .loginAs(admin)
    back.assertStatus(200)
    assert.include(back.text(), 'role="alert"')
    assert.include(back.text(), 'value="Not A Slug"')
  })

  test('new passwords replace the old ones and are shown once; an edge is deactivated, activated and deleted', async ({
    client,
    assert,
  }) => {
    const { admin } = await desk()
    const { edge, passwords } = await addEdge({
      name: `berlin-${++serial}`,
      host: 'x.example',
      port: 8000,
    })

    const regenerated = await client
      .post(`/staff/edges/${edge.id}/passwords`)
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    regenerated.assertStatus(302)
    await edge.refresh()
    assert.notEqual(edge.relayPassword, passwords.relayPassword)
    assert.notEqual(edge.adminPassword, passwords.adminPassword)
    const shown = regenerated.flashMessages().edgePasswords as Record<string, string>
    assert.equal(shown.relayPassword, edge.relayPassword)
    assert.equal(shown.adminPassword, edge.adminPassword)
    const page = await client
      .get(`/staff/edges/${edge.id}`)
      .withFlashMessages(regenerated.flashMessages())
      .loginAs(admin)
    assert.include(page.text(), edge.relayPassword)
    assert.notInclude(
      (await client.get(`/staff/edges/${edge.id}`).loginAs(admin)).text(),
      edge.relayPassword
    )

    await client
      .post(`/staff/edges/${edge.id}/deactivate`)
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    assert.isFalse((await Edge.findOrFail(edge.id)).active)
    await client
      .post(`/staff/edges/${edge.id}/activate`)
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    assert.isTrue((await Edge.findOrFail(edge.id)).active)

    const deleted = await client
      .post(`/staff/edges/${edge.id}/delete`)
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    assert.equal(deleted.header('location'), '/staff/edges')
    assert.isNull(await Edge.find(edge.id))
  })

  test('a form posted without its CSRF token changes nothing', async ({ client, assert }) => {
    const { admin } = await desk()
    const { edge } = await addEdge({ name: `csrf-${++serial}`, host: 'x.example', port: 8000 })
    await client.post(`/staff/edges/${edge.id}/delete`).loginAs(admin).redirects(0)
    assert.isNotNull(await Edge.find(edge.id))
  })

  test('managers and hosts get a 403 on every edge page and see no link to them', async ({
    client,
    assert,
  }) => {
    const { north, admin, manager, host } = await desk()
    const { edge } = await addEdge({ name: `vienna-${++serial}`, host: 'x.example', port: 8000 })
    const theirs = `theirs-${++serial}`
    const gets = ['/staff/edges', '/staff/edges/create', `/staff/edges/${edge.id}`]
    const posts: [string, Record<string, unknown>][] = [
      ['/staff/edges', form(theirs, { stations: [north.slug] })],
      [`/staff/edges/${edge.id}`, form(edge.name, { host: 'y.example' })],
      [`/staff/edges/${edge.id}/passwords`, {}],
      [`/staff/edges/${edge.id}/deactivate`, {}],
      [`/staff/edges/${edge.id}/activate`, {}],
      [`/staff/edges/${edge.id}/delete`, {}],
    ]
    for (const user of [manager, host]) {
      for (const url of gets) (await client.get(url).loginAs(user)).assertStatus(403)
      for (const [url, fields] of posts)
        (
          await client.post(url).form(fields).withCsrfToken().loginAs(user).redirects(0)
        ).assertStatus(403)
      const dashboard = await client.get('/staff').loginAs(user)
      dashboard.assertStatus(200)
      assert.notInclude(dashboard.text(), 'href="/staff/edges"', user.role)
    }
    const after = await Edge.findOrFail(edge.id)
    assert.equal(after.host, 'x.example')
    assert.equal(after.relayPassword, edge.relayPassword)
    assert.isTrue(after.active)
    assert.isNull(await Edge.findBy('name', theirs))

    assert.include((await client.get('/staff').loginAs(admin)).text(), 'href="/staff/edges"')
  })
})
