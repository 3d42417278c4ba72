/*
| What another site's page and an API client see of the public reads: CORS
| (preflights answered, any origin by default, never credentials, nothing
| for the CMS or the API's writes), no cookie and no session row on the
| API, feeds and media, and the API's errors (malformed bodies, wrong
| methods, pages) in one clear JSON form.
*/
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#models/user'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'

const PARTNER = 'https://partner.example'

async function sessionRows() {
  const row = await db.from('sessions').count('* as n').first()
  return Number(row?.n ?? 0)
}

test.group('Public reads: CORS', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a preflight for {url} is answered for any origin, without credentials')
    .with([
      { url: '/api/v1/now', method: 'GET' },
      { url: '/api/v1/programs', method: 'GET' },
      { url: '/__transmit/subscribe', method: 'POST' },
      { url: '/__transmit/events', method: 'GET' },
      { url: '/timetable.ics', method: 'GET' },
      { url: '/podcasts/1', method: 'GET' },
    ])
    .run(async ({ client, assert }, row) => {
      const response = await client
        .options(row.url)
        .header('Origin', PARTNER)
        .header('Access-Control-Request-Method', row.method)
        .header('Access-Control-Request-Headers', 'content-type')
      response.assertStatus(204)
      assert.equal(response.header('access-control-allow-origin'), '*')
      assert.include(response.header('access-control-allow-methods'), row.method)
      assert.include(response.header('access-control-allow-headers'), 'content-type')
      assert.isUndefined(response.header('access-control-allow-credentials'))
    })

  test('a GET of the API from another origin is allowed, and sets no cookie nor session', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.create()
    await ProgramFactory.merge({ stationId: station.id }).create()
    const before = await sessionRows()
    for (const url of [
      `/api/v1/now?station=${station.slug}`,
      `/api/v1/programs?station=${station.slug}`,
      `/timetable.ics?station=${station.slug}`,
    ]) {
      const response = await client.get(url).header('Origin', PARTNER)
      response.assertStatus(200)
      assert.equal(response.header('access-control-allow-origin'), '*', url)
      assert.isUndefined(response.header('set-cookie'), url)
      assert.equal(response.header('x-content-type-options'), 'nosniff', url)
      // Cached by a CDN, the answer to one origin is never given to another.
      assert.match(response.header('vary') ?? '', /\bOrigin\b/i, url)
    }
    // A 404 of a public read is JSON or a page, still without a session.
    const missing = await client.get('/podcasts/999999').header('Origin', PARTNER)
    missing.assertStatus(404)
    assert.isUndefined(missing.header('set-cookie'))
    assert.equal(await sessionRows(), before, 'no session row written')
  })

  test('the CMS and the API writes get no CORS: preflights are refused, pages keep their session', async ({
    client,
    assert,
  }) => {
    const preflight = await client
      .options('/api/v1/diffusions/1')
      .header('Origin', PARTNER)
      .header('Access-Control-Request-Method', 'PATCH')
    assert.notEqual(preflight.status(), 204)
    assert.isUndefined(preflight.header('access-control-allow-origin'))

    const login = await client.get('/staff/login').header('Origin', PARTNER)
    login.assertStatus(200)
    assert.isUndefined(login.header('access-control-allow-origin'))
    // The CMS still has its session (and so its CSRF token).
    assert.match(String(login.header('set-cookie')), /adonis-session|antenne/)

    const post = await client
      .options('/staff/login')
      .header('Origin', PARTNER)
      .header('Access-Control-Request-Method', 'POST')
    assert.isUndefined(post.header('access-control-allow-origin'))
  })
})

test.group('The token API goes without a session', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a write with a token, and one refused without, set no cookie and write no session row', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.merge({ role: 'admin' }).create()
    const token = (await User.accessTokens.create(admin)).value!.release()
    const before = await sessionRows()
    const written = await client
      .put('/api/v1/episodes/999999/tracks')
      .bearerToken(token)
      .json({ tracks: [] })
    assert.equal(written.status(), 404, JSON.stringify(written.body()))
    const refused = await client.post('/api/v1/programs/1/episodes').json({ title: 'x' })
    refused.assertStatus(401)
    for (const response of [written, refused])
      assert.isUndefined(response.header('set-cookie'), JSON.stringify(response.headers()))
    assert.equal(await sessionRows(), before)
  })
})

test.group('Public reads: the API answers errors in one form', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("a malformed JSON body is 400 E_BAD_REQUEST, without the parser's words", async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.merge({ role: 'admin' }).create()
    const token = (await User.accessTokens.create(admin)).value!.release()
    for (const body of ['{"type": "cancel"', '"cancel"']) {
      const response = await client
        .patch('/api/v1/diffusions/1')
        .bearerToken(token)
        .type('application/json')
        .unsafeJson(body)
      assert.equal(response.status(), 400, JSON.stringify(response.body()))
      assert.equal(response.body().error, 'E_BAD_REQUEST')
      assert.notMatch(response.body().message, /Unexpected|position|JSON\.parse|token/)
    }
  })

  test('a wrong method on an API path is 405 with Allow', async ({ client, assert }) => {
    const response = await client.delete('/api/v1/now')
    response.assertStatus(405)
    assert.equal(response.header('allow'), 'GET, HEAD')
    assert.equal(response.body().error, 'E_METHOD_NOT_ALLOWED')
    const write = await client.get('/api/v1/diffusions/1')
    write.assertStatus(405)
    assert.equal(write.header('allow'), 'PATCH')
    // A path no route has stays a 404.
    ;(await client.delete('/api/v1/nothing')).assertStatus(404)
  })

  test('pagination links keep the route path and the station', async ({ client, assert }) => {
    const station = await StationFactory.create()
    for (let i = 0; i < 51; i++)
      await ProgramFactory.merge({ stationId: station.id, title: `P${i}` }).create()
    const response = await client.get(`/api/v1/programs?station=${station.slug}`)
    response.assertStatus(200)
    const meta = response.body().meta
    assert.equal(meta.lastPage, 2)
    assert.equal(meta.firstPageUrl, `/api/v1/programs?station=${station.slug}&page=1`)
    assert.equal(meta.nextPageUrl, `/api/v1/programs?station=${station.slug}&page=2`)
  })
})
