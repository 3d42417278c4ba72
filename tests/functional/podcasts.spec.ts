import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import sharp from 'sharp'
import antenneConfig from '#config/antenne'
import type Station from '#models/station'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory } from '#database/factories/sound_factories'
import { storeImage } from '#images/image_store'
import { podcastTranscoder } from '#feeds/podcast_audio'
import { freePort, startWebServer, type WebServer } from '#tests/web_server'

const run = promisify(execFile)
let serial = 0
let scratch: string

/** A 440 Hz tone made by ffmpeg, its format from the extension. */
async function tone(path: string, seconds = 3) {
  await mkdir(dirname(path), { recursive: true })
  await run('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    ...(path.endsWith('.mp3') ? ['-b:a', '128k'] : []),
    path,
  ])
  return path
}

async function artwork(name: string) {
  const path = join(scratch, name)
  await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#2040c0' } })
    .png()
    .toFile(path)
  return storeImage(path)
}

/** A station with a logo, its language and owner; a program with a category; an episode aired twice. */
async function setUp(station?: Station) {
  const radio =
    station ??
    (await StationFactory.merge({
      isDefault: true,
      name: 'Radio Podcast',
      language: 'fr-BE',
      podcastAuthor: 'Radio Podcast ASBL',
      podcastEmail: 'podcasts@radio.example',
      logo: await artwork('logo.png'),
    }).create())
  const program = await ProgramFactory.merge({
    stationId: radio.id,
    title: 'Les Matins',
    slug: `les-matins-${++serial}`,
    description: 'Le matin, en direct.',
    podcastCategory: 'News/Daily News',
  }).create()
  return { station: radio, program }
}

async function episodeWithSound(
  programId: number,
  file: string,
  airings: Array<{ start: DateTime; type?: 'on_air' | 'cancel' }>
) {
  const episode = await EpisodeFactory.merge({ programId, title: `Épisode ${++serial}` }).create()
  for (const airing of airings)
    await DiffusionFactory.merge({
      episodeId: episode.id,
      start: airing.start,
      end: airing.start.plus({ hours: 1 }),
      type: airing.type ?? 'on_air',
    }).create()
  const sound = await SoundFactory.merge({ episodeId: episode.id, path: file, duration: 3 })
    .apply('analysed')
    .apply('public')
    .create()
  // The state's hour, as the library would have read it from these few seconds.
  await sound.merge({ duration: 3 }).save()
  return { episode, sound }
}

/** What feedparser (python3-feedparser, Debian's) reads in a feed. */
async function feedparser(xml: string) {
  const script = `
import feedparser, json, sys
d = feedparser.parse(sys.stdin.read())
print(json.dumps({
  "bozo": d.bozo, "error": str(d.get("bozo_exception", "")),
  "version": d.version, "feed": d.feed, "entries": d.entries,
}, default=str))`
  const child = execFile('/usr/bin/python3', ['-c', script], { maxBuffer: 1 << 24 })
  child.stdin!.end(xml)
  const out = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdout!.on('data', (chunk) => (text += chunk))
    child.once('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`python3 ${code}`))
    )
  })
  return JSON.parse(out)
}

test.group('Podcast feeds as podcast apps read them', (group) => {
  group.setup(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'antenne-podcasts-'))
    return () => rm(scratch, { recursive: true, force: true })
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("feedparser reads the feed whole, with every tag Apple Podcasts requires, in the station's language whoever asks", async ({
    client,
    assert,
  }) => {
    const { station, program } = await setUp()
    const aired = DateTime.utc().minus({ days: 3 }).startOf('hour')
    const mp3 = await tone(join(scratch, `matin-${serial}.mp3`))
    const { episode, sound } = await episodeWithSound(program.id, mp3, [{ start: aired }])
    const response = await client
      .get(`/programs/${program.slug}/podcast.rss`)
      .header('accept-language', 'de-DE,de;q=0.9')
    response.assertStatus(200)
    assert.isUndefined(response.header('set-cookie'))
    const xml = response.text()
    const feed = await feedparser(xml)
    assert.isFalse(feed.bozo, feed.error)
    assert.equal(feed.version, 'rss20')

    // Apple's required channel tags (Podcasts Connect, "Podcast RSS feed requirements").
    const origin = antenneConfig.publicUrl
    const checklist: Record<string, boolean> = {
      'title': feed.feed.title === 'Les Matins – Radio Podcast',
      'description': feed.feed.subtitle === 'Le matin, en direct.',
      'language (the station’s)': feed.feed.language === 'fr-BE',
      'itunes:image, a .jpg':
        feed.feed.image?.href === `${origin}/images/${station.logo}-podcast.jpg`,
      'itunes:category with its subcategory':
        xml.includes('<itunes:category text="News">') &&
        feed.feed.tags?.some((t: { term: string }) => t.term === 'Daily News'),
      // Apple's values are true and false; feedparser 6.0 only maps the old yes/clean (false is null there).
      'itunes:explicit':
        xml.includes('<itunes:explicit>false</itunes:explicit>') && !feed.feed.itunes_explicit,
      'itunes:author': feed.feed.author === 'Radio Podcast ASBL',
      'itunes:owner with e-mail': feed.feed.publisher_detail?.email === 'podcasts@radio.example',
      'atom:link rel=self': feed.feed.links?.some(
        (l: { rel: string; href: string }) =>
          l.rel === 'self' && l.href === `${origin}/programs/${program.slug}/podcast.rss`
      ),
      'link': feed.feed.link === `${origin}/programs/${program.slug}`,
    }
    assert.deepEqual(
      Object.entries(checklist)
        .filter(([, ok]) => !ok)
        .map(([tag]) => tag),
      [],
      JSON.stringify(feed.feed, null, 1)
    )

    assert.lengthOf(feed.entries, 1)
    const [entry] = feed.entries
    const enclosure = entry.links.find((l: { rel: string }) => l.rel === 'enclosure')
    assert.deepInclude(enclosure, {
      href: `${origin}/podcasts/${sound.id}`,
      type: 'audio/mpeg',
      length: String(statSync(mp3).size),
    })
    assert.equal(entry.title, episode.title)
    assert.equal(entry.id, `sound-${sound.id}@${new URL(origin).hostname}`)
    assert.equal(entry.itunes_duration, '0:00:03')
    assert.equal(new Date(entry.published).getTime(), aired.toMillis())
  })

  test('an item is dated by its first airing that started on air: not a cancelled one, not one to come; else by its file', async ({
    client,
    assert,
  }) => {
    const { program } = await setUp()
    const now = DateTime.utc().startOf('minute')
    const first = now.minus({ days: 7 })
    const mp3 = await tone(join(scratch, `dates-${serial}.mp3`))
    const aired = await episodeWithSound(program.id, mp3, [
      { start: now.minus({ days: 9 }), type: 'cancel' },
      { start: now.minus({ days: 2 }) },
      { start: first },
      { start: now.plus({ days: 1 }) },
    ])
    const later = await episodeWithSound(
      program.id,
      await tone(join(scratch, `later-${serial}.mp3`)),
      [{ start: now.plus({ days: 5 }) }]
    )
    const mtime = DateTime.utc(2031, 5, 4, 3, 2, 1)
    await later.sound.merge({ mtime }).save()
    const { entries } = await feedparser(
      (await client.get(`/programs/${program.slug}/podcast.rss`)).text()
    )
    const dates = Object.fromEntries(
      entries.map((e: { id: string; published: string }) => [e.id, Date.parse(e.published)])
    )
    const guid = (id: number) => `sound-${id}@${new URL(antenneConfig.publicUrl).hostname}`
    assert.equal(dates[guid(aired.sound.id)], first.toMillis())
    assert.equal(dates[guid(later.sound.id)], mtime.toMillis())
    // Newest first.
    assert.deepEqual(
      entries.map((e: { id: string }) => e.id),
      [guid(later.sound.id), guid(aired.sound.id)]
    )
  })

  test("an item's GUID is the same by any of the station's host names, and has no port", async ({
    client,
    assert,
  }) => {
    const { station, program } = await setUp()
    await station.merge({ hosts: 'alias.example' }).save()
    const mp3 = await tone(join(scratch, `guid-${serial}.mp3`))
    const { sound } = await episodeWithSound(program.id, mp3, [])
    const url = `/programs/${program.slug}/podcast.rss`
    const byAlias = await feedparser(
      (await client.get(url).header('host', 'alias.example:3540')).text()
    )
    const byAddress = await feedparser((await client.get(url)).text())
    assert.match(byAlias.entries[0].link, /^http:\/\/alias\.example:/)
    const expected = `sound-${sound.id}@${new URL(antenneConfig.publicUrl).hostname}`
    assert.equal(byAlias.entries[0].id, expected)
    assert.equal(byAddress.entries[0].id, expected)
  })

  test('an unchanged feed is a 304 to its ETag, kept five minutes; a changed one is not', async ({
    client,
    assert,
  }) => {
    const { program } = await setUp()
    await episodeWithSound(program.id, await tone(join(scratch, `etag-${serial}.mp3`)), [])
    const url = `/programs/${program.slug}/podcast.rss`
    const first = await client.get(url)
    first.assertStatus(200)
    assert.equal(first.header('cache-control'), 'public, max-age=300')
    const etag = first.header('etag')!
    assert.isString(etag)
    const again = await client.get(url).header('if-none-match', etag)
    again.assertStatus(304)
    assert.equal(again.text(), '')
    await program.merge({ description: 'Autre chose.' }).save()
    const changed = await client.get(url).header('if-none-match', etag)
    changed.assertStatus(200)
    assert.include(changed.text(), 'Autre chose.')
  })

  test("an episode's plain text is text in the feed: markup typed by a host is not markup to feedparser", async ({
    client,
    assert,
  }) => {
    const { program } = await setUp()
    const { episode } = await episodeWithSound(
      program.id,
      await tone(join(scratch, `text-${serial}.mp3`)),
      []
    )
    await episode
      .merge({ content: 'Un <b>bold</b> & co\n<img src=//tracker.example/p.gif>\nFin' })
      .save()
    const feed = await feedparser(
      (await client.get(`/programs/${program.slug}/podcast.rss`)).text()
    )
    assert.isFalse(feed.bozo, feed.error)
    const html: string = feed.entries[0].summary
    assert.notMatch(html, /<b>|<img/i)
    assert.include(html, '&lt;b&gt;bold&lt;/b&gt; &amp; co')
    assert.include(html, '&lt;img src=//tracker.example/p.gif&gt;')
    // Line breaks kept, as <br>.
    assert.lengthOf(html.match(/<br ?\/?>/g) ?? [], 2)
  })

  test('/podcasts/ answers only to a canonical id: 1.0, 0x1, 1e0 or 01 are not sound 1', async ({
    client,
    assert,
  }) => {
    const { program } = await setUp()
    const { sound } = await episodeWithSound(
      program.id,
      await tone(join(scratch, `id-${serial}.mp3`)),
      []
    )
    const id = sound.id
    ;(await client.get(`/podcasts/${id}`)).assertStatus(200)
    for (const other of [
      `${id}.0`,
      `0x${id.toString(16)}`,
      `${id}e0`,
      `0${id}`,
      ` ${id}`,
      `+${id}`,
    ])
      assert.equal(
        (await client.get(`/podcasts/${encodeURIComponent(other)}`)).status(),
        404,
        other
      )
  })

  test('an Ogg sound is left out until its mp3 is made, once; then listed with its true length and type, which ffprobe confirms; a changed file gets a new mp3', async ({
    client,
    assert,
  }) => {
    const { program } = await setUp()
    const ogg = await tone(join(scratch, `soir-${serial}.ogg`), 4)
    const { sound } = await episodeWithSound(program.id, ogg, [
      { start: DateTime.utc().minus({ days: 1 }) },
    ])
    const feedUrl = `/programs/${program.slug}/podcast.rss`
    const release = podcastTranscoder.hold()
    const before = await feedparser((await client.get(feedUrl)).text())
    assert.lengthOf(before.entries, 0)
    // Meanwhile the site's player gets the sound as stored.
    const original = await client.get(`/podcasts/${sound.id}`)
    assert.equal(original.header('content-type'), 'audio/ogg')
    release()

    await podcastTranscoder.idle()
    const cached = readdirSync(antenneConfig.podcasts.cacheDir).filter((n) =>
      n.startsWith(`${sound.id}-`)
    )
    assert.lengthOf(cached, 1)
    const mp3 = join(antenneConfig.podcasts.cacheDir, cached[0])
    assert.equal(statSync(mp3).mode & 0o777, 0o600)

    const after = await feedparser((await client.get(feedUrl)).text())
    assert.lengthOf(after.entries, 1)
    const enclosure = after.entries[0].links.find((l: { rel: string }) => l.rel === 'enclosure')
    assert.equal(enclosure.type, 'audio/mpeg')
    assert.equal(enclosure.length, String(statSync(mp3).size))

    const served = await client.get(`/podcasts/${sound.id}`)
    assert.equal(served.header('content-type'), 'audio/mpeg')
    assert.equal(served.header('content-length'), String(statSync(mp3).size))
    const probe = JSON.parse(
      (
        await run('ffprobe', [
          ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', mp3],
        ])
      ).stdout
    )
    assert.equal(probe.format.format_name, 'mp3')
    assert.equal(probe.streams[0].codec_name, 'mp3')
    assert.closeTo(Number(probe.format.duration), 4, 0.2)

    // Asked again, nothing is transcoded again.
    await client.get(feedUrl)
    await podcastTranscoder.idle()
    assert.deepEqual(
      readdirSync(antenneConfig.podcasts.cacheDir).filter((n) => n.startsWith(`${sound.id}-`)),
      cached
    )

    // The source changes: the next feed asks for a new mp3, which replaces the old one.
    await tone(ogg, 2)
    await utimes(ogg, new Date(), new Date(Date.now() + 5000))
    const held = podcastTranscoder.hold()
    assert.lengthOf((await feedparser((await client.get(feedUrl)).text())).entries, 0)
    held()
    await podcastTranscoder.idle()
    const renewed = readdirSync(antenneConfig.podcasts.cacheDir).filter((n) =>
      n.startsWith(`${sound.id}-`)
    )
    assert.lengthOf(renewed, 1)
    assert.notEqual(renewed[0], cached[0])
    assert.isFalse(existsSync(mp3))
  })

  test('an ffmpeg that hangs is killed after the timeout: no partial file, no mp3 of the old file, the item stays out', async ({
    client,
    assert,
  }) => {
    const { program } = await setUp()
    const ogg = await tone(join(scratch, `pendu-${serial}.ogg`), 2)
    const { sound } = await episodeWithSound(program.id, ogg, [
      { start: DateTime.utc().minus({ days: 1 }) },
    ])
    const feedUrl = `/programs/${program.slug}/podcast.rss`
    await client.get(feedUrl)
    await podcastTranscoder.idle()
    const mine = () =>
      readdirSync(antenneConfig.podcasts.cacheDir).filter((n) => n.startsWith(`${sound.id}-`))
    const [old] = mine()
    assert.match(old, /\.mp3$/)

    // The file changes, and the encoder hangs on it (a broken build, a file that loops it).
    const hanging = join(scratch, `ffmpeg-hangs-${serial}.sh`)
    await writeFile(hanging, '#!/bin/sh\nexec sleep 120\n', { mode: 0o755 })
    await tone(ogg, 3)
    await utimes(ogg, new Date(), new Date(Date.now() + 5000))
    const { ffmpeg, transcodeTimeout } = antenneConfig.podcasts
    antenneConfig.podcasts.ffmpeg = hanging
    antenneConfig.podcasts.transcodeTimeout = 1
    try {
      assert.lengthOf((await feedparser((await client.get(feedUrl)).text())).entries, 0)
      await podcastTranscoder.idle()
    } finally {
      antenneConfig.podcasts.ffmpeg = ffmpeg
      antenneConfig.podcasts.transcodeTimeout = transcodeTimeout
    }
    assert.deepEqual(mine(), [], 'neither the partial mp3 nor the old one is left')
    assert.lengthOf((await feedparser((await client.get(feedUrl)).text())).entries, 0)
    const left = await run('pgrep', ['-f', hanging]).catch(() => ({ stdout: '' }))
    assert.equal(left.stdout.trim(), '', 'the hung encoder is gone')
  })
})

test.group('/podcasts/:id through a real server, with curl', (group) => {
  // The server runs in its own process: what it reads is committed here, and deleted after.
  let server: WebServer
  let station: Station
  let soundId: number
  let file: string
  group.setup(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'antenne-curl-'))
    station = await StationFactory.merge({ slug: `curl-${process.pid}-${Date.now()}` }).create()
    const { program } = await setUp(station)
    file = await tone(join(scratch, 'ranges.mp3'), 5)
    const { sound } = await episodeWithSound(program.id, file, [])
    soundId = sound.id
    server = await startWebServer(await freePort())
    return async () => {
      await server.stop()
      await station.delete()
      await rm(scratch, { recursive: true, force: true })
    }
  })

  const curl = async (...args: string[]) => {
    const { stdout } = await run('curl', [
      ...['-s', '-D', '-', '-o', join(scratch, 'body'), '-w', '\\n%{size_download}'],
      ...args,
      `http://127.0.0.1:${server.port}/podcasts/${soundId}`,
    ])
    const lines = stdout.trimEnd().split(/\r?\n/)
    const headers: Record<string, string> = {}
    for (const line of lines.slice(1, -1)) {
      const colon = line.indexOf(':')
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    return { status: Number(lines[0].split(' ')[1]), headers, bytes: Number(lines.at(-1)) }
  }

  test('curl -r 0-99 gets 206 and the first 100 bytes; past the end, 416', async ({ assert }) => {
    const size = statSync(file).size
    const part = await curl('-r', '0-99')
    assert.equal(part.status, 206)
    assert.equal(part.headers['content-range'], `bytes 0-99/${size}`)
    assert.equal(part.headers['content-length'], '100')
    assert.equal(part.headers['content-type'], 'audio/mpeg')
    assert.equal(part.bytes, 100)
    const tail = await curl('-r', `${size - 10}-`)
    assert.equal(tail.status, 206)
    assert.equal(tail.bytes, 10)
    const beyond = await curl('-r', `${size + 100}-${size + 200}`)
    assert.equal(beyond.status, 416)
    assert.equal(beyond.headers['content-range'], `bytes */${size}`)
  })

  test('curl -I gets the length, Accept-Ranges, ETag and Last-Modified; both validators answer 304', async ({
    assert,
  }) => {
    const head = await curl('-I')
    assert.equal(head.status, 200)
    assert.equal(head.headers['content-length'], String(statSync(file).size))
    assert.equal(head.headers['accept-ranges'], 'bytes')
    assert.match(head.headers['etag'], /^W\/"/)
    assert.equal(head.headers['last-modified'], statSync(file).mtime.toUTCString())
    assert.isUndefined(head.headers['set-cookie'])
    assert.equal(head.bytes, 0)

    const byTag = await curl('-H', `If-None-Match: ${head.headers['etag']}`)
    assert.equal(byTag.status, 304)
    assert.equal(byTag.bytes, 0)
    const byDate = await curl('-H', `If-Modified-Since: ${head.headers['last-modified']}`)
    assert.equal(byDate.status, 304)
    const whole = await curl()
    assert.equal(whole.status, 200)
    assert.equal(whole.bytes, statSync(file).size)
  })
})
