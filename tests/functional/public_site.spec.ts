import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import type Program from '#models/program'
import type Station from '#models/station'
import { NowPlayingBroadcaster } from '#on_air/now_playing_broadcaster'
import type { NowPlaying } from '#on_air/now_playing'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { LogFactory } from '#database/factories/log_factory'

const ZONE = 'Europe/Brussels'
let serial = 0

async function airing(
  program: Program,
  start: DateTime,
  minutes: number,
  title = `Episode ${++serial}`
) {
  const episode = await EpisodeFactory.merge({ programId: program.id, title }).create()
  const diffusion = await DiffusionFactory.merge({
    episodeId: episode.id,
    start,
    end: start.plus({ minutes }),
  }).create()
  return { episode, diffusion }
}

/** A track of a sound, logged on air at `at`. */
async function played(
  station: Station,
  program: Program,
  at: DateTime,
  title: string,
  artist: string | null = null
) {
  const sound = await SoundFactory.merge({ programId: program.id, name: title }).create()
  const track = await TrackFactory.merge({
    soundId: sound.id,
    timestamp: 0,
    title,
    artist,
  }).create()
  await LogFactory.merge({
    stationId: station.id,
    date: at,
    source: 'rotation',
    soundId: sound.id,
    trackId: track.id,
  }).create()
  return track
}

/** The default station, with a rotation and a show. */
async function radio() {
  const station = await StationFactory.merge({
    isDefault: true,
    timezone: ZONE,
    name: 'Radio Test',
  }).create()
  const rotation = await ProgramFactory.merge({
    stationId: station.id,
    title: 'Rotation',
    slug: `rotation-${++serial}`,
  }).create()
  const show = await ProgramFactory.merge({
    stationId: station.id,
    title: 'Morning Talk',
    slug: `talk-${++serial}`,
  }).create()
  return { station, rotation, show }
}

const path = (prefix: string, date: DateTime) => `${prefix}/${date.toFormat('yyyy/MM/dd')}`

test.group('Public site', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the on-air log of a day folds the tracks played during a diffusion into it, and shows nothing of the future', async ({
    client,
    assert,
  }) => {
    const { station, rotation, show } = await radio()
    const now = DateTime.utc()
    const start = now.minus({ minutes: 50 }).startOf('minute')
    await airing(show, start, 30, 'Talk of the day')
    await played(station, rotation, start.minus({ minutes: 5 }), 'Before The Show', 'Signal Clair')
    await played(station, rotation, start.plus({ minutes: 10 }), 'During The Show')
    await played(station, rotation, start.plus({ minutes: 40 }), 'After The Show')
    await played(station, rotation, now.plus({ minutes: 5 }), 'Not Yet Played')

    const day = start.setZone(ZONE)
    const response = await client.get(path('/logs', day))
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, 'Talk of the day')
    assert.notInclude(html, 'Not Yet Played')
    // The track aired during the show is inside its list; the order is newest first.
    assert.match(
      html,
      /Talk of the day[\s\S]*<ul class="tracks">[\s\S]*During The Show[\s\S]*<\/ul>[\s\S]*Before The Show/
    )
    assert.isBelow(html.indexOf('After The Show'), html.indexOf('Talk of the day'))
    assert.include(html, `>${start.setZone(ZONE).toFormat('HH:mm')}<`)
  })

  test('a long day of the on-air log is paginated, 100 items a page', async ({
    client,
    assert,
  }) => {
    const { station, rotation } = await radio()
    const day = DateTime.fromISO('2020-01-02T00:00', { zone: ZONE })
    const sound = await SoundFactory.merge({ programId: rotation.id }).create()
    const track = await TrackFactory.merge({ soundId: sound.id, timestamp: 0 }).create()
    await LogFactory.merge(
      Array.from({ length: 150 }, (_, i) => ({
        stationId: station.id,
        date: day.plus({ minutes: 5 * i }),
        soundId: sound.id,
        trackId: track.id,
      }))
    ).createMany(150)
    const first = (await client.get('/logs/2020/01/02')).text()
    assert.lengthOf(first.match(/<li class="played track">/g) ?? [], 100)
    assert.include(first, '/logs/2020/01/02?page=2')
    const second = (await client.get('/logs/2020/01/02?page=2')).text()
    assert.lengthOf(second.match(/<li class="played track">/g) ?? [], 50)
    assert.include(second, '>00:00<')
  })

  test('the week timetable shows local times across the DST change', async ({ client, assert }) => {
    const { show } = await radio()
    // Spring forward in Brussels on Sunday 31 March 2030: 10:00 local on both sides.
    await airing(show, DateTime.fromISO('2030-03-25T10:00', { zone: ZONE }), 60, 'Monday Talk')
    await airing(show, DateTime.fromISO('2030-03-31T10:00', { zone: ZONE }), 60, 'Sunday Talk')
    const response = await client.get('/week/2030/03/27')
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, '2030-03-25T09:00:00.000Z')
    assert.include(html, '2030-03-31T08:00:00.000Z')
    assert.lengthOf(html.match(/>10:00–11:00</g) ?? [], 2)
    assert.include(html, 'href="/week/2030/03/18"')
    assert.include(html, 'href="/week/2030/04/01"')
  })

  test('hostile titles and names are escaped everywhere', async ({ client, assert }) => {
    const station = await StationFactory.merge({
      isDefault: true,
      timezone: ZONE,
      name: '<img src=x onerror=alert(1)>',
    }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: '<script>alert("program")</script>',
      slug: `evil-${++serial}`,
    }).create()
    const { episode } = await airing(
      program,
      DateTime.utc().minus({ minutes: 10 }),
      60,
      '"><script>alert("episode")</script>'
    )
    await played(
      station,
      program,
      DateTime.utc().minus({ minutes: 5 }),
      '<b onmouseover=alert(1)>track</b>',
      '<i>artist</i>'
    )
    for (const url of [
      '/',
      '/week',
      '/logs',
      '/programs',
      `/programs/${program.slug}`,
      `/programs/${program.slug}/${episode.slug}`,
    ]) {
      const html = (await client.get(url)).text()
      assert.notMatch(html, /<script>alert|<img src=x|<b onmouseover|<i>artist/, url)
    }
    assert.include((await client.get('/')).text(), '&lt;b onmouseover=alert(1)&gt;track&lt;/b&gt;')
  })

  test('a bad URL gets the 404 page, never a 500: {url}')
    .with(
      [
        '/week/2026/13/40',
        '/week/2026/02/30',
        '/logs/abcd/01/01',
        '/programs/nope',
        '/programs/nope/nothing',
        '/nowhere',
        '/covers/../../etc/passwd',
        '/covers/x.jpg',
        '/podcasts/abc',
      ].map((url) => ({ url }))
    )
    .run(async ({ client, assert }, { url }) => {
      await radio()
      const response = await client.get(url)
      response.assertStatus(404)
      assert.include(response.text(), 'Page not found')
    })

  test('a page number that is not one shows the first page, never a 500: {url}')
    .with(
      ['/programs?page=-1', '/programs?page=abc', '/programs?page=1.5', '/logs?page=-3'].map(
        (url) => ({ url })
      )
    )
    .run(async ({ client }, { url }) => {
      await radio()
      ;(await client.get(url)).assertStatus(200)
    })

  test('the station is chosen by host name, else the default one; pages speak French on ?lang=fr', async ({
    client,
    assert,
  }) => {
    await radio()
    await StationFactory.merge({
      name: 'Campus FM',
      hosts: 'campus.example\nwww.campus.example',
    }).create()
    assert.include((await client.get('/').header('host', 'www.campus.example')).text(), 'Campus FM')
    assert.include((await client.get('/').header('host', 'other.example')).text(), 'Radio Test')
    const french = await client.get('/logs?lang=fr')
    assert.include(french.text(), 'Ce qui est passé')
    assert.include(french.text(), '<html lang="fr">')
  })

  test("a program's podcast feed and the timetable's calendar", async ({ client, assert }) => {
    const { show } = await radio()
    const { episode } = await airing(
      show,
      DateTime.utc().plus({ days: 1 }).startOf('hour'),
      60,
      'Tomorrow, live'
    )
    // The feed lists a file that is there, with its length.
    const file = join(mkdtempSync(join(tmpdir(), 'antenne-site-')), 'tomorrow.mp3')
    writeFileSync(file, Buffer.alloc(1234))
    const sound = await SoundFactory.merge({
      episodeId: episode.id,
      path: file,
      size: 1234,
      duration: 60,
    })
      .apply('public')
      .create()
    const rss = await client.get(`/programs/${show.slug}/podcast.rss`)
    rss.assertStatus(200)
    assert.match(rss.header('content-type') ?? '', /^application\/rss\+xml/)
    assert.include(
      rss.text(),
      `<enclosure url="http://${process.env.HOST}:${process.env.PORT}/podcasts/${sound.id}" length="1234" type="audio/mpeg"/>`
    )
    assert.include(rss.text(), '<title>Tomorrow, live</title>')
    const ics = await client.get('/timetable.ics')
    ics.assertStatus(200)
    assert.match(ics.header('content-type') ?? '', /^text\/calendar/)
    assert.include(ics.text(), 'SUMMARY:Morning Talk: Tomorrow\\, live\r\n')
  })

  test('a public "sound" the library could read no audio from (text named .mp3) is never served nor listed', async ({
    client,
    assert,
  }) => {
    const { show } = await radio()
    const { episode } = await airing(
      show,
      DateTime.utc().plus({ days: 2 }).startOf('hour'),
      60,
      'Junk'
    )
    // As the library records a file it found no audio in: no format, no duration.
    const junk = await SoundFactory.merge({ episodeId: episode.id, size: 100 })
      .apply('public')
      .create()
    ;(await client.get(`/podcasts/${junk.id}`)).assertStatus(404)
    assert.notInclude(
      (await client.get(`/programs/${show.slug}/podcast.rss`)).text(),
      `/podcasts/${junk.id}"`
    )
    assert.notInclude(
      (await client.get(`/programs/${show.slug}/${episode.slug}`)).text(),
      `src="/podcasts/${junk.id}"`
    )
  })

  test('an episode page lists its airings, tracklist and podcasts', async ({ client, assert }) => {
    const { show } = await radio()
    const { episode } = await airing(
      show,
      DateTime.fromISO('2030-01-02T08:00', { zone: ZONE }),
      60,
      'New Year Talk'
    )
    await TrackFactory.merge([
      { episodeId: episode.id, position: 0, title: 'Les Ondes', artist: 'Signal Clair' },
      { episodeId: episode.id, position: 1, title: 'Night Bus', artist: 'The Relays' },
    ]).createMany(2)
    const podcast = await SoundFactory.merge({
      episodeId: episode.id,
      name: 'New Year Talk',
      duration: 1800,
    })
      .apply('public')
      .create()
    await SoundFactory.merge({ episodeId: episode.id, name: 'Private' }).create()
    const html = (await client.get(`/programs/${show.slug}/${episode.slug}`)).text()
    assert.match(html, /Les Ondes[\s\S]*Signal Clair[\s\S]*Night Bus/)
    assert.include(html, `src="/podcasts/${podcast.id}"`)
    assert.notInclude(html, 'Private')
    assert.include(html, 'Wednesday 2 January 2030, 08:00')
  })
})

test.group('JSON API', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("logs of a day carry Aircox's fields, tracks folded into diffusions", async ({
    client,
    assert,
  }) => {
    const { station, rotation, show } = await radio()
    const start = DateTime.utc().minus({ hours: 1 }).startOf('minute')
    await airing(show, start, 30, 'Talk of the day')
    await played(station, rotation, start.plus({ minutes: 5 }), 'During', 'Someone')
    await played(station, rotation, start.minus({ minutes: 5 }), 'Before', 'Other')
    const response = await client.get(
      `/api/v1/logs?station=${station.slug}&date=${start.setZone(ZONE).toISODate()}`
    )
    response.assertStatus(200)
    const body = response.body()
    assert.deepEqual(
      body.items.map((i: { type: string; title: string }) => [i.type, i.title]),
      [
        ['diffusion', 'Talk of the day'],
        ['track', 'Before'],
      ]
    )
    assert.containsSubset(body.items[0], {
      type: 'diffusion',
      start: start.toISO(),
      end: start.plus({ minutes: 30 }).toISO(),
      artist: null,
      info: 'Morning Talk',
    })
    assert.match(body.items[0].url, /^\/programs\/talk-\d+\/episode-\d+$/)
    assert.containsSubset(body.items[0].tracks[0], {
      type: 'track',
      title: 'During',
      artist: 'Someone',
      start: start.plus({ minutes: 5 }).toISO(),
    })
    assert.sameMembers(Object.keys(body.items[1]), [
      'type',
      'start',
      'end',
      'title',
      'artist',
      'info',
      'url',
      'cover',
    ])
  })

  test('now playing, the timetable, programs and episodes', async ({ client, assert }) => {
    const { station, rotation, show } = await radio()
    const now = DateTime.utc()
    await airing(show, now.minus({ minutes: 10 }), 60, 'Live Now')
    await airing(show, now.plus({ hours: 2 }), 60, 'Later')
    await played(station, rotation, now.minus({ minutes: 1 }), 'Current Song', 'Current Artist')
    const current = (await client.get('/api/v1/now')).body()
    assert.containsSubset(current, {
      station: station.slug,
      diffusion: { title: 'Live Now', program: 'Morning Talk' },
      track: { title: 'Current Song', artist: 'Current Artist' },
    })
    assert.equal(current.next[0].title, 'Later')

    const timetable = (
      await client.get(`/api/v1/timetable?date=${now.setZone(ZONE).toISODate()}`)
    ).body()
    assert.lengthOf(timetable.days, 7)
    assert.equal(timetable.timezone, ZONE)
    assert.isTrue(
      timetable.days.some((d: { diffusions: Array<{ title: string }> }) =>
        d.diffusions.some((x) => x.title === 'Live Now')
      )
    )

    const programs = (await client.get('/api/v1/programs')).body()
    assert.deepEqual(
      programs.data.map((p: { title: string }) => p.title),
      ['Morning Talk', 'Rotation']
    )
    assert.equal(programs.meta.total, 2)
    const episodes = (await client.get(`/api/v1/programs/${show.slug}/episodes`)).body()
    assert.deepEqual(
      episodes.data.map((e: { title: string }) => e.title),
      ['Later', 'Live Now']
    )
  })

  test('bad input gets a JSON error: {why}')
    .with([
      {
        why: 'a malformed date',
        url: '/api/v1/logs?date=2026-13-01',
        status: 422,
        error: 'E_VALIDATION_ERROR',
      },
      {
        why: 'an unknown station',
        url: '/api/v1/now?station=nowhere',
        status: 404,
        error: 'E_NOT_FOUND',
      },
      {
        why: 'an unknown program',
        url: '/api/v1/programs/nope/episodes',
        status: 404,
        error: 'E_NOT_FOUND',
      },
      {
        why: 'a page that is not a number',
        url: '/api/v1/programs?page=x',
        status: 422,
        error: 'E_VALIDATION_ERROR',
      },
      {
        why: 'a page past any list',
        url: '/api/v1/programs?page=99999999999999999999',
        status: 422,
        error: 'E_VALIDATION_ERROR',
      },
      {
        why: 'an unknown endpoint',
        url: '/api/v1/nothing',
        status: 404,
        error: 'E_ROUTE_NOT_FOUND',
      },
    ])
    .run(async ({ client, assert }, row) => {
      await radio()
      const response = await client.get(row.url)
      response.assertStatus(row.status)
      assert.equal(response.body().error, row.error)
    })
})

test.group('Now playing pushed live', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a new log is pushed to a server-sent events client within a second', async ({ assert }) => {
    const { station, rotation } = await radio()
    const { default: transmit } = await import('@adonisjs/transmit/services/main')
    const broadcaster = new NowPlayingBroadcaster(
      (channel, payload) => transmit.broadcast(channel, payload as never),
      100
    )
    const base = `http://${process.env.HOST}:${process.env.PORT}`
    const uid = `test-${Date.now()}`
    const abort = new AbortController()
    const events = await fetch(`${base}/__transmit/events?uid=${uid}`, { signal: abort.signal })
    const received: NowPlaying[] = []
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of events.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        for (const line of buffer.split('\n').filter((l) => l.startsWith('data: '))) {
          const message = JSON.parse(line.slice(6))
          if (message.channel === `now_playing/${station.slug}`) received.push(message.payload)
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1)
      }
    })().catch(() => {})
    const subscribed = await fetch(`${base}/__transmit/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid, channel: `now_playing/${station.slug}` }),
    })
    assert.equal(subscribed.status, 204)
    broadcaster.start()
    try {
      const until = async (what: string, probe: () => boolean) => {
        const end = Date.now() + 5000
        while (!probe()) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
          await new Promise((r) => setTimeout(r, 20))
        }
      }
      await until('the first push', () => received.length >= 1)
      // The delay is a figure for a bench; here: the change is pushed.
      await played(station, rotation, DateTime.utc(), 'Fresh Song', 'New Artist')
      await until('the new song', () => received.some((p) => p.track?.title === 'Fresh Song'))
      assert.equal(received.at(-1)!.track!.artist, 'New Artist')
      const count = received.length
      await new Promise((r) => setTimeout(r, 400))
      assert.equal(received.length, count, 'nothing pushed when nothing changed')
    } finally {
      broadcaster.stop()
      abort.abort()
      await reading
    }
  })
})
