/*
| Issue 12, findings 10, 11 and 18, tried as an attacker would: forged Host
| and X-Forwarded-* headers, hostile Transmit bodies, error pages in
| production, and the security headers of the pages.
*/
import { test } from '@japa/runner'
import { request as httpRequest } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import Station from '#models/station'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory } from '#database/factories/sound_factories'
import { LogFactory } from '#database/factories/log_factory'
import { NowPlayingBroadcaster } from '#on_air/now_playing_broadcaster'
import {
  freePort,
  openEventStream,
  startWebServer,
  subscribe,
  type WebServer,
} from '#tests/web_server'
import { within } from '#tests/helpers'

let serial = 0
const PUBLIC = `http://${process.env.HOST}:${process.env.PORT}`
const EVIL = 'evil.example'

/** A default station with a show, a public podcast and a diffusion tomorrow. */
async function radio(hosts: string | null = null) {
  const station = await StationFactory.merge({
    isDefault: true,
    name: 'Radio Test',
    slug: `hostile-${process.pid}-${++serial}`,
    hosts,
  }).create()
  const show = await ProgramFactory.merge({
    stationId: station.id,
    title: 'Morning Talk',
    slug: `talk-${++serial}`,
  }).create()
  const episode = await EpisodeFactory.merge({ programId: show.id, title: 'Tomorrow' }).create()
  await DiffusionFactory.merge({
    episodeId: episode.id,
    start: DateTime.utc().plus({ days: 1 }).startOf('hour'),
  }).create()
  // The feed lists a file that is there, with its length.
  const path = join(mkdtempSync(join(tmpdir(), 'antenne-hostile-')), 'x.mp3')
  writeFileSync(path, Buffer.alloc(1234))
  const sound = await SoundFactory.apply('public')
    .merge({ episodeId: episode.id, name: 'x', path, size: 1234, duration: 60 })
    .create()
  return { station, show, sound }
}

/** Every absolute URL in a feed or calendar. */
const links = (text: string) =>
  [...text.matchAll(/https?:\/\/[^\s"<]+/g)]
    .map((m) => m[0])
    .filter((url) => !url.includes('itunes.com') && !url.includes('w3.org'))

/** A plain HTTP request with headers fetch() would not let us forge (Host). */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string
) {
  return new Promise<{
    status: number
    headers: Record<string, string | string[] | undefined>
    text: string
  }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

test.group('Links in feeds and calendars (finding 10)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a forged Host and X-Forwarded-Host/-Proto do not write the links of the RSS feed and the iCal', async ({
    client,
    assert,
  }) => {
    const { show, sound } = await radio()
    const forged = {
      'host': EVIL,
      'x-forwarded-host': EVIL,
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.9',
    }

    const rss = await client.get(`/programs/${show.slug}/podcast.rss`).headers(forged)
    rss.assertStatus(200)
    assert.notInclude(rss.text(), EVIL)
    assert.include(rss.text(), `<enclosure url="${PUBLIC}/podcasts/${sound.id}"`)
    assert.include(rss.text(), `<link>${PUBLIC}/programs/${show.slug}</link>`)
    assert.isNotEmpty(links(rss.text()))
    for (const url of links(rss.text())) assert.isTrue(url.startsWith(`${PUBLIC}/`), url)

    const ics = await client.get('/timetable.ics').headers(forged)
    ics.assertStatus(200)
    assert.notInclude(ics.text(), EVIL)
    assert.include(ics.text(), `URL:${PUBLIC}/programs/${show.slug}/`)
    for (const url of links(ics.text())) assert.isTrue(url.startsWith(`${PUBLIC}/`), url)
  })

  test("a request by one of the station's own host names gets links on that host, with the public URL's scheme and port", async ({
    client,
    assert,
  }) => {
    const { show, sound } = await radio('radio-b.example')
    const rss = await client
      .get(`/programs/${show.slug}/podcast.rss`)
      .header('host', 'radio-b.example')
    rss.assertStatus(200)
    assert.include(
      rss.text(),
      `<enclosure url="http://radio-b.example:${process.env.PORT}/podcasts/${sound.id}"`
    )
  })
})

test.group("Transmit's routes with hostile input (finding 11)", (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('{name}: a 422 JSON answer, never a 500')
    .with([
      {
        name: 'subscribe with an object uid',
        url: '/__transmit/subscribe',
        body: { uid: { a: 1 }, channel: 'now_playing/demo' },
      },
      {
        name: 'subscribe with an array channel',
        url: '/__transmit/subscribe',
        body: { uid: 'u-1', channel: ['a', 'b'] },
      },
      {
        name: 'subscribe with a number uid',
        url: '/__transmit/subscribe',
        body: { uid: 12, channel: 'now_playing/demo' },
      },
      {
        name: 'subscribe with a 10 000-character uid',
        url: '/__transmit/subscribe',
        body: { uid: 'u'.repeat(10_000), channel: 'now_playing/demo' },
      },
      {
        name: 'subscribe with a newline in the channel',
        url: '/__transmit/subscribe',
        body: { uid: 'u-1', channel: 'now_playing/demo\nx' },
      },
      { name: 'subscribe with nothing', url: '/__transmit/subscribe', body: {} },
      {
        name: 'unsubscribe with an object uid',
        url: '/__transmit/unsubscribe',
        body: { uid: { a: 1 }, channel: 'now_playing/demo' },
      },
      {
        name: 'unsubscribe with an object channel',
        url: '/__transmit/unsubscribe',
        body: { uid: 'u-1', channel: { toString: 1 } },
      },
    ])
    .run(async ({ client, assert }, { url, body }) => {
      const response = await client.post(url).json(body)
      response.assertStatus(422)
      assert.match(response.header('content-type') ?? '', /^application\/json/)
      assert.equal(response.body().error, 'E_VALIDATION_ERROR')
      // The server still answers.
      const page = await client.get('/staff/login')
      page.assertStatus(200)
    })

  test('an event stream whose uid is {name} is refused with a 422 JSON answer')
    .with([
      { name: 'an object', qs: 'uid[a]=1' },
      { name: 'an array', qs: 'uid=a&uid=b' },
      { name: '500 characters long', qs: `uid=${'u'.repeat(500)}` },
      { name: 'missing', qs: '' },
    ])
    .run(async ({ client, assert }, { qs }) => {
      const response = await client.get(`/__transmit/events?${qs}`)
      response.assertStatus(422)
      assert.equal(response.body().error, 'E_VALIDATION_ERROR')
    })
})

test.group('Security headers of the pages (finding 18)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test(
    'public and staff pages carry a CSP that allows only their own scripts, and every script is external or has the nonce: {url}'
  )
    .with([{ url: '/' }, { url: '/week' }, { url: '/staff/login' }])
    .run(async ({ client, assert }, { url }) => {
      await radio()
      const response = await client.get(url)
      response.assertStatus(200)
      const csp = response.header('content-security-policy') ?? ''
      assert.include(csp, `default-src 'self'`)
      assert.match(csp, /script-src 'self' 'nonce-[\w-]+'/)
      assert.include(csp, `object-src 'none'`)
      assert.include(csp, `frame-ancestors 'none'`)
      assert.notInclude(csp, 'unsafe-inline')
      assert.notInclude(csp, 'unsafe-eval')
      const nonce = /'nonce-([\w-]+)'/.exec(csp)![1]
      for (const [tag] of response.text().matchAll(/<script\b[^>]*>/g)) {
        assert.isTrue(
          /\ssrc="\/[^/]/.test(tag) || tag.includes(`nonce="${nonce}"`),
          `${tag} is neither a same-origin file nor nonced`
        )
      }
      // No inline handlers or styles, which the policy would block.
      assert.notMatch(response.text(), /\son[a-z]+="/)
      assert.notMatch(response.text(), /\sstyle="/)
    })

  test('no HSTS over plain HTTP, even with a forged X-Forwarded-Proto from an untrusted address', async ({
    client,
    assert,
  }) => {
    await radio()
    for (const url of ['/', '/staff/login', '/antenne.css']) {
      const plain = await client.get(url)
      assert.isUndefined(plain.header('strict-transport-security'), url)
      const forged = await client.get(url).header('x-forwarded-proto', 'https')
      assert.isUndefined(forged.header('strict-transport-security'), url)
    }
  })
})

test.group('In production (findings 10, 11, 18)', (group) => {
  // The servers run in their own processes: what they read is committed here, and deleted after.
  const servers: WebServer[] = []
  const stations: Station[] = []
  group.each.setup(() => async () => {
    for (const server of servers.splice(0)) await server.stop()
    for (const station of stations.splice(0)) await station.delete()
  })
  group.each.timeout(90_000)

  async function production(env: Record<string, string> = {}) {
    const port = await freePort()
    const server = await startWebServer(port, {
      NODE_ENV: 'production',
      APP_KEY: 'hostile-requests-test-key-0123456789',
      ...env,
    })
    servers.push(server)
    return server
  }

  test("a request for a foreign host name is refused with 421; the public host, the stations' hosts and the listening address are served", async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      slug: `hosts-${process.pid}-${++serial}`,
      hosts: 'radio-b.example',
    }).create()
    stations.push(station)
    const { port } = await production({ ANTENNE_PUBLIC_URL: 'https://radio.example' })

    const forgeries: Array<Record<string, string>> = [
      { host: EVIL },
      { 'host': EVIL, 'x-forwarded-host': `127.0.0.1:${port}` },
      { host: `${EVIL}:${port}` },
    ]
    for (const headers of forgeries) {
      for (const path of ['/', '/timetable.ics', '/staff/login', '/antenne.css', '/nowhere']) {
        const refused = await raw(port, path, headers)
        assert.equal(refused.status, 421, `${JSON.stringify(headers)} ${path}`)
        assert.notInclude(refused.text, 'BEGIN:VCALENDAR')
      }
    }
    // A forged X-Forwarded-Host does not get through either: no proxy is trusted by default.
    const forwarded = await raw(port, '/', {
      'host': `127.0.0.1:${port}`,
      'x-forwarded-host': EVIL,
    })
    assert.equal(forwarded.status, 200)

    // The public host, the stations' hosts, and the listening address (health checks, the proxy).
    assert.equal((await raw(port, '/', { host: 'radio.example' })).status, 200)
    assert.equal((await raw(port, '/', { host: 'RADIO-B.example' })).status, 200)
    assert.equal((await raw(port, '/', { host: `127.0.0.1:${port}` })).status, 200)
    assert.equal((await raw(port, '/', { host: `localhost:${port}` })).status, 421)
  })

  test('the hostile subscribe gets a 422 JSON, and the server goes on pushing to a subscriber', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({ slug: `push-${process.pid}-${++serial}` }).create()
    stations.push(station)
    const { port } = await production()

    const hostile = await fetch(`http://127.0.0.1:${port}/__transmit/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: { a: 1 } }),
    })
    assert.equal(hostile.status, 422)
    assert.equal(((await hostile.json()) as { error: string }).error, 'E_VALIDATION_ERROR')

    const uid = `listener-${Date.now()}`
    const stream = await openEventStream(port, uid)
    await subscribe(port, uid, NowPlayingBroadcaster.channel(station.slug))
    // Something airs once subscribed: a loaded machine may subscribe after the broadcaster's first check.
    await LogFactory.merge({
      stationId: station.id,
      source: 'rotation',
      comment: 'Pushed',
    }).create()
    const pushed = await within(
      10_000,
      'a push after the hostile subscribe',
      stream.next((m) => m.channel === NowPlayingBroadcaster.channel(station.slug))
    )
    assert.equal(pushed.payload.station, station.slug)
    stream.close()
  })

  test("an error page shows no stack and does not echo the request's cookies or headers", async ({
    assert,
  }) => {
    // A database with no tables (never migrated), whatever this run's database is: every page fails with a 500.
    const broken = await production({
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'antenne-broken-')), 'empty.sqlite3'),
    })
    const secret = 'cookie-value-that-must-not-be-echoed'
    const headers = {
      'host': `127.0.0.1:${broken.port}`,
      'accept': 'text/html',
      'cookie': `probe=${secret}`,
      'x-probe': secret,
    }
    const failed = await raw(broken.port, '/', headers)
    assert.equal(failed.status, 500)
    // A body the parser refuses: a 400.
    const garbled = await raw(
      broken.port,
      '/__transmit/subscribe',
      { ...headers, 'content-type': 'application/json' },
      'POST',
      '{"uid":'
    )
    assert.isAtLeast(garbled.status, 400)
    assert.isBelow(garbled.status, 500)
    for (const page of [failed, garbled]) {
      assert.notInclude(page.text, secret)
      assert.notMatch(page.text, /\bat .*\.(ts|js):\d+/)
      assert.notInclude(page.text, 'node_modules')
      assert.notInclude(page.text, '/app/')
      assert.notInclude(page.text, 'SQLITE')
    }
  })

  test('HSTS is sent when a trusted proxy says the request came over HTTPS, and not from anyone else', async ({
    assert,
  }) => {
    const trusting = await production({ ANTENNE_TRUSTED_PROXIES: '127.0.0.1' })
    const headers = { 'host': `127.0.0.1:${trusting.port}`, 'x-forwarded-proto': 'https' }
    const overTls = await raw(trusting.port, '/', headers)
    assert.match(String(overTls.headers['strict-transport-security']), /^max-age=\d+/)
    const plain = await raw(trusting.port, '/', { host: `127.0.0.1:${trusting.port}` })
    assert.isUndefined(plain.headers['strict-transport-security'])

    const untrusting = await production({ ANTENNE_TRUSTED_PROXIES: '10.0.0.0/8' })
    const forged = await raw(untrusting.port, '/', {
      'host': `127.0.0.1:${untrusting.port}`,
      'x-forwarded-proto': 'https',
    })
    assert.isUndefined(forged.headers['strict-transport-security'])
  })
})
