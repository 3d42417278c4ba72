/*
| Listening from the site: the player on every public page (a source per
| mount, by type), and the playlists for other players, with absolute stream
| addresses from the public origin and no session.
*/
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { StationFactory } from '#database/factories/programme_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { UserFactory } from '#database/factories/user_factory'
import Output from '#models/output'
import antenneConfig from '#config/antenne'
import { addEdge } from '#edges/edge_registry'

async function stationWithStreams() {
  const station = await StationFactory.merge({ name: 'Radio Marée', isDefault: true }).create()
  await OutputFactory.merge({ stationId: station.id, port: 8000, mount: '/maree.mp3' }).create()
  await OutputFactory.merge({
    stationId: station.id,
    mount: '/maree.opus',
    format: 'opus',
    bitrate: 64,
    // Icecast behind the site's proxy: a path on the public origin.
    listenUrl: '/stream/maree.opus',
  }).create()
  await OutputFactory.merge({ stationId: station.id, mount: '/off.ogg', active: false }).create()
  await OutputFactory.apply('recording').merge({ stationId: station.id }).create()
  return station
}

/** A playlist as a player fetches it (the API client does not read audio types as text). */
async function playlist(path: string) {
  const response = await fetch(`http://${process.env.HOST}:${process.env.PORT}${path}`)
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    cookie: response.headers.get('set-cookie'),
    text: await response.text(),
  }
}

const origin = () => new URL(antenneConfig.publicUrl).origin

test.group('Listening from the site', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('/listen.m3u lists the active mounts, MP3 first, at absolute addresses, without a session', async ({
    assert,
  }) => {
    await stationWithStreams()
    const response = await playlist('/listen.m3u')
    assert.equal(response.status, 200)
    assert.match(response.type, /^audio\/x-mpegurl/)
    assert.isNull(response.cookie)
    assert.deepEqual(response.text.split('\r\n'), [
      '#EXTM3U',
      '#EXTINF:-1,Radio Marée (MP3 128 kbit/s)',
      'http://127.0.0.1:8000/maree.mp3',
      '#EXTINF:-1,Radio Marée (Opus 64 kbit/s)',
      `${origin()}/stream/maree.opus`,
      '',
    ])
  })

  test('/listen.pls is a PLS version 2 of the same streams', async ({ assert }) => {
    await stationWithStreams()
    const response = await playlist('/listen.pls')
    assert.equal(response.status, 200)
    assert.match(response.type, /^audio\/x-scpls/)
    assert.isNull(response.cookie)
    const text = response.text
    assert.include(text, 'NumberOfEntries=2\r\n')
    assert.include(text, 'File1=http://127.0.0.1:8000/maree.mp3\r\n')
    assert.include(text, `File2=${origin()}/stream/maree.opus\r\n`)
    assert.isTrue(text.endsWith('Version=2\r\n'))
  })

  test('every public page has the player: a source per mount with its type, the now-playing line and the playlists', async ({
    client,
    assert,
  }) => {
    const station = await stationWithStreams()
    for (const url of ['/', '/programs', '/week']) {
      const response = await client.get(url)
      response.assertStatus(200)
      const html = response.text()
      const sources = [...html.matchAll(/<source src="([^"]+)" type="([^"]+)"/g)].map((m) => [
        m[1],
        m[2].replace(/&#x27;|&quot;/g, ''),
      ])
      assert.deepEqual(
        sources,
        [
          [`${origin()}/stream/maree.opus`, 'audio/ogg; codecs=opus'],
          ['http://127.0.0.1:8000/maree.mp3', 'audio/mpeg'],
        ],
        url
      )
      assert.include(html, `id="player-now" data-now-playing data-station="${station.slug}"`)
      assert.include(html, 'href="/listen.m3u"')
      assert.include(html, 'href="/listen.pls"')
      assert.equal(html.split('/now_playing.js').length, 2, `${url}: the script once`)
      assert.match(
        response.header('content-security-policy') ?? '',
        new RegExp(`media-src 'self' ${origin()} http://127\\.0\\.0\\.1:8000;`),
        url
      )
    }
  })

  test('a station without a stream has no player', async ({ client, assert }) => {
    await StationFactory.merge({ isDefault: true }).create()
    const response = await client.get('/')
    response.assertStatus(200)
    assert.notInclude(response.text(), '<audio id="player"')
    assert.equal((await playlist('/listen.m3u')).text, '#EXTM3U\r\n')
  })
})

test.group("Listening from the site: a mount's listen address in the CMS", (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin gives a mount its public address; a script or a bare word is refused', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.create()
    const output = await OutputFactory.merge({ stationId: station.id, mount: '/m.mp3' }).create()
    const admin = await UserFactory.apply('admin').create()
    const form = (listenUrl: string) => ({
      type: 'icecast',
      host: '127.0.0.1',
      port: 8000,
      mount: '/m.mp3',
      listenUrl,
      format: 'mp3',
      bitrate: 128,
      active: 'on',
    })
    const save = (listenUrl: string) =>
      client
        .post(`/staff/outputs/${output.id}`)
        .form(form(listenUrl))
        .header('referer', `/staff/stations/${station.id}`)
        .redirects(0)
        .withCsrfToken()
        .loginAs(admin)
    ;(await save('https://stream.example/m.mp3')).assertStatus(302)
    await output.refresh()
    assert.equal(output.listenUrl, 'https://stream.example/m.mp3')
    for (const hostile of ['javascript:alert(1)', 'stream.example/m.mp3', '/a b"><script>'])
      await save(hostile)
    assert.equal((await Output.findOrFail(output.id)).listenUrl, 'https://stream.example/m.mp3')
    ;(await save('')).assertStatus(302)
    assert.isNull((await Output.findOrFail(output.id)).listenUrl)
  })
})

test.group('Listening from the site: through the edges, the origin last', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function withEdges() {
    const station = await StationFactory.merge({ name: 'Radio Marée', isDefault: true }).create()
    await OutputFactory.merge({ stationId: station.id, port: 8000, mount: '/maree.mp3' }).create()
    const other = await StationFactory.create()
    const edge = (name: string, fields: Record<string, unknown> = {}) =>
      addEdge({ name, host: `${name}.radio.example`, port: 8000, ...fields })
    await edge('eu-1', { region: 'eu', publicUrl: 'https://eu-1.radio.example' })
    await edge('eu-2', { region: 'eu' })
    await edge('us-1', { region: 'us' })
    await edge('off', { active: false })
    // An edge of another station only.
    await edge('elsewhere', { stations: [other.slug] })
    return station
  }

  const urls = (text: string) =>
    text
      .split('\r\n')
      .map((l) => l.replace(/^File\d+=/, ''))
      .filter((l) => l.startsWith('http'))

  test('/listen.m3u: the edges relaying the station, round robin, then the origin; never cached', async ({
    assert,
  }) => {
    await withEdges()
    const first = await fetch(`http://${process.env.HOST}:${process.env.PORT}/listen.m3u`)
    assert.equal(first.headers.get('cache-control'), 'no-store')
    const seen = new Set<string>()
    for (let i = 0; i < 3; i++) {
      const list = urls((await playlist('/listen.m3u')).text)
      assert.lengthOf(list, 4)
      assert.equal(list[3], 'http://127.0.0.1:8000/maree.mp3')
      assert.sameMembers(list.slice(0, 3), [
        'https://eu-1.radio.example/maree.mp3',
        'http://eu-2.radio.example:8000/maree.mp3',
        'http://us-1.radio.example:8000/maree.mp3',
      ])
      seen.add(list[0])
    }
    // Three listeners in a row start on three different edges.
    assert.equal(seen.size, 3)
    const text = (await playlist('/listen.m3u')).text
    assert.match(text, /#EXTINF:-1,Radio Marée \(MP3 128 kbit\/s, (eu-1|eu-2|us-1)\)\r\n/)
  })

  test("a listener's region (from the proxy's header, or chosen) comes first; an unknown or hostile one changes nothing", async ({
    assert,
  }) => {
    await withEdges()
    const get = async (path: string, headers: Record<string, string> = {}) =>
      urls(
        await (
          await fetch(`http://${process.env.HOST}:${process.env.PORT}${path}`, { headers })
        ).text()
      )
    const us = await get('/listen.m3u', { 'x-antenne-region': 'US' })
    assert.equal(us[0], 'http://us-1.radio.example:8000/maree.mp3')
    assert.equal(us[3], 'http://127.0.0.1:8000/maree.mp3')
    const eu = await get('/listen.pls?region=eu')
    assert.sameMembers(eu.slice(0, 2), [
      'https://eu-1.radio.example/maree.mp3',
      'http://eu-2.radio.example:8000/maree.mp3',
    ])
    const hostile = await get('/listen.m3u?region=%3Cscript%3E')
    assert.lengthOf(hostile, 4)
    assert.equal(hostile[3], 'http://127.0.0.1:8000/maree.mp3')
  })

  test('the player tries the edges first and may load media from them', async ({
    client,
    assert,
  }) => {
    await withEdges()
    const response = await client.get('/').header('x-antenne-region', 'us')
    response.assertStatus(200)
    const sources = [...response.text().matchAll(/<source src="([^"]+)"/g)].map((m) => m[1])
    assert.equal(sources[0], 'http://us-1.radio.example:8000/maree.mp3')
    assert.equal(sources.at(-1), 'http://127.0.0.1:8000/maree.mp3')
    assert.notInclude(sources.join(' '), 'off.radio.example')
    assert.notInclude(sources.join(' '), 'elsewhere.radio.example')
    assert.include(response.header('content-security-policy'), 'https://eu-1.radio.example')
  })
})
