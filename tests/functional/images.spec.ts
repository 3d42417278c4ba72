import { test } from '@japa/runner'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import testUtils from '@adonisjs/core/services/test_utils'
import sharp from 'sharp'
import antenneConfig from '#config/antenne'
import Program from '#models/program'
import Episode from '#models/episode'
import Station from '#models/station'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { EpisodeFactory } from '#database/factories/episode_factories'
import { UserFactory } from '#database/factories/user_factory'
import { imageQueueEvents } from '#images/image_queue'

let serial = 0
let scratch: string

const picture = async (
  name: string,
  width: number,
  height: number,
  format: 'png' | 'jpeg' | 'gif' = 'png'
) => {
  const path = join(scratch, name)
  await sharp({ create: { width, height, channels: 3, background: '#c03020' } })
    .toFormat(format)
    .toFile(path)
  return path
}

/** A PNG whose header announces 30 000 × 30 000 pixels (900 megapixels) over a few bytes of data. */
async function decompressionBomb(path: string) {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(30_000, 0)
  header.writeUInt32BE(30_000, 4)
  header.set([8, 2, 0, 0, 0], 8)
  await writeFile(
    path,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
      chunk('IEND', Buffer.alloc(0)),
    ])
  )
  return path
}

function crc32(data: Buffer) {
  let crc = ~0
  for (const byte of data) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

/** 7000 × 7000, 16-bit RGBA, interlaced: about 600 KB on disk, 392 MB decoded. */
async function heavyPng(path: string) {
  await sharp({
    create: { width: 7000, height: 7000, channels: 4, background: { r: 1, g: 0, b: 0, alpha: 1 } },
  })
    .toColourspace('rgb16')
    .png({ progressive: true, compressionLevel: 9 })
    .toFile(path)
  return path
}

const storedFiles = () =>
  existsSync(antenneConfig.images.dir) ? readdirSync(antenneConfig.images.dir).sort() : []

/**
 * A 403 sent before the upload is read: the server does not read a body it
 * refuses, so a client still writing it may see the connection end (EPIPE,
 * ECONNRESET) instead of the answer; either way it was refused. The records
 * are checked by the caller.
 */
async function assertRefused(request: PromiseLike<{ status(): number }>) {
  try {
    const response = await request
    if (response.status() !== 403) throw new Error(`expected 403, got ${response.status()}`)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EPIPE' && code !== 'ECONNRESET') throw error
  }
}

async function setUp() {
  const station = await StationFactory.merge({ isDefault: true, name: 'Radio Image' }).create()
  const program = await ProgramFactory.merge({
    stationId: station.id,
    title: 'Cover Story',
    slug: `cover-story-${++serial}`,
  }).create()
  const episode = await EpisodeFactory.merge({ programId: program.id, title: 'First' }).create()
  const admin = await UserFactory.apply('admin').create()
  const host = await UserFactory.create()
  await host.related('programs').attach([program.id])
  return { station, program, episode, admin, host }
}

test.group('Images uploaded in the CMS', (group) => {
  group.setup(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'antenne-images-'))
    return () => rm(scratch, { recursive: true, force: true })
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("a program's cover is stored once in its three sizes, private, and shown on the site, in the API and served for a year", async ({
    client,
    assert,
  }) => {
    const { program, admin } = await setUp()
    const upload = () =>
      client
        .post(`/staff/programs/${program.id}/image`)
        .file('image', join(scratch, 'wide.png'))
        .withCsrfToken()
        .loginAs(admin)
        .header('referer', '/staff')
        .redirects(0)
    await picture('wide.png', 2000, 1500)
    const response = await upload()
    response.assertStatus(302)
    assert.equal(response.flashMessages().notice, 'Image saved.')
    await program.refresh()
    assert.match(program.image ?? '', /^[0-9a-f]{64}$/)
    const hash = program.image!

    const sizes: Record<string, [number, number]> = {
      podcast: [1400, 1400],
      page: [480, 480],
      slide: [320, 240],
    }
    for (const [rendition, [width, height]] of Object.entries(sizes)) {
      const path = join(antenneConfig.images.dir, `${hash}-${rendition}.jpg`)
      const meta = await sharp(await readFile(path)).metadata()
      assert.deepInclude(meta, { format: 'jpeg', width, height, space: 'srgb' })
      assert.equal(statSync(path).mode & 0o777, 0o600, rendition)
    }
    assert.equal(statSync(antenneConfig.images.dir).mode & 0o777, 0o700)

    // The same picture again is the same files.
    const before = storedFiles()
    ;(await upload()).assertStatus(302)
    assert.deepEqual(storedFiles(), before)

    const served = await client.get(`/images/${hash}-page.jpg`)
    served.assertStatus(200)
    assert.equal(served.header('content-type'), 'image/jpeg')
    assert.equal(served.header('cache-control'), 'public, max-age=31536000, immutable')
    ;(await client.get(`/images/${hash}-huge.jpg`)).assertStatus(404)
    ;(await client.get(`/images/${'0'.repeat(64)}-page.jpg`)).assertStatus(404)

    const page = await client.get(`/programs/${program.slug}`)
    assert.include(page.text(), `src="/images/${hash}-page.jpg"`)
    const api = await client.get('/api/v1/programs')
    const listed = api.body().data.find((p: { slug: string }) => p.slug === program.slug)
    assert.deepEqual(listed.image, {
      url: `/images/${hash}-podcast.jpg`,
      thumbnail: `/images/${hash}-page.jpg`,
    })
  })

  test('a renamed non-image, a truncated JPEG, a GIF, a small picture and a decompression bomb are each refused with one message, and nothing changes', async ({
    client,
    assert,
  }) => {
    const { program, admin } = await setUp()
    await picture('good.png', 1500, 1500)
    const post = (path: string) =>
      client
        .post(`/staff/programs/${program.id}/image`)
        .file('image', path)
        .withCsrfToken()
        .loginAs(admin)
        .header('referer', '/staff')
        .redirects(0)
    ;(await post(join(scratch, 'good.png'))).assertStatus(302)
    await program.refresh()
    const kept = program.image
    const files = storedFiles()

    const text = join(scratch, 'notes.png')
    await writeFile(text, 'these are not pixels\n'.repeat(1000))
    const whole = await readFile(await picture('whole.jpg', 1600, 1600, 'jpeg'))
    const truncated = join(scratch, 'truncated.jpg')
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)))
    const cases: Array<[string, RegExp]> = [
      [text, /not a JPEG, PNG or WebP picture/],
      [truncated, /not a JPEG, PNG or WebP picture/],
      [await picture('small.png', 1000, 1400), /at least 1400 × 1400/],
      [await decompressionBomb(join(scratch, 'bomb.png')), /more than 50 million pixels/],
      // 49 MP but 16-bit RGBA and interlaced: 392 MB once decoded, which once took 10 s and 1.3 GB.
      [await heavyPng(join(scratch, 'heavy.png')), /more than 200 MB once decoded/],
    ]
    for (const [path, message] of cases) {
      const response = await post(path)
      response.assertStatus(302)
      assert.match(String(response.flashMessages().problem), message, path)
      assert.isUndefined(response.flashMessages().notice)
    }
    // A GIF is told by its magic bytes, whatever its name: the file rule refuses it.
    const gif = join(scratch, 'animated.jpg')
    await writeFile(gif, await readFile(await picture('animated.gif', 1500, 1500, 'gif')))
    const refused = await post(gif)
    refused.assertStatus(302)
    assert.match(JSON.stringify(refused.flashMessages()), /This kind of file is not accepted/)

    await program.refresh()
    assert.equal(program.image, kept)
    assert.deepEqual(storedFiles(), files)
    assert.deepEqual(readdirSync(antenneConfig.uploads.stagingDir), [])
  })

  test("a host sets an episode's cover but not the program's; the admin sets the station's logo; removing one removes its files", async ({
    client,
    assert,
  }) => {
    const { station, program, episode, admin, host } = await setUp()
    const file = await picture('square.png', 1400, 1400)
    const post = (url: string, user: typeof admin) =>
      client
        .post(url)
        .file('image', file)
        .withCsrfToken()
        .loginAs(user)
        .header('referer', '/staff')
        .redirects(0)
    ;(await post(`/staff/episodes/${episode.id}/image`, host)).assertStatus(302)
    await assertRefused(post(`/staff/programs/${program.id}/image`, host))
    await assertRefused(post(`/staff/stations/${station.id}/image`, host))
    ;(await post(`/staff/stations/${station.id}/image`, admin)).assertStatus(302)
    const hash = (await Episode.findOrFail(episode.id)).image!
    assert.equal((await Station.findOrFail(station.id)).logo, hash)
    assert.isNull((await Program.findOrFail(program.id)).image)

    const episodePage = await client.get(`/programs/${program.slug}/${episode.slug}`)
    assert.include(episodePage.text(), `src="/images/${hash}-page.jpg"`)

    // Still the logo's: the files stay until no record shows them.
    await client
      .post(`/staff/episodes/${episode.id}/image/delete`)
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/staff')
      .redirects(0)
    assert.isNull((await Episode.findOrFail(episode.id)).image)
    assert.include(storedFiles(), `${hash}-podcast.jpg`)
    await client
      .post(`/staff/stations/${station.id}/image/delete`)
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff')
      .redirects(0)
    assert.notInclude(storedFiles(), `${hash}-podcast.jpg`)
  })

  test('a 48 MP phone photo is kept; two uploads at once are rendered one after the other', async ({
    client,
    assert,
  }) => {
    const { program, episode, admin } = await setUp()
    const phone = join(scratch, 'phone.jpg')
    await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#336699' } })
      .jpeg({ quality: 90 })
      .toFile(phone)
    const other = await picture('other.png', 1600, 1600)
    const post = (kind: string, id: number, path: string) =>
      client
        .post(`/staff/${kind}/${id}/image`)
        .file('image', path)
        .withCsrfToken()
        .loginAs(admin)
        .header('referer', '/staff')
        .redirects(0)

    const seen: string[] = []
    const onStart = (label: string) => seen.push(`start ${label}`)
    const onEnd = (label: string) => seen.push(`end ${label}`)
    imageQueueEvents.on('start', onStart).on('end', onEnd)
    try {
      const [a, b] = await Promise.all([
        post('programs', program.id, phone),
        post('episodes', episode.id, other),
      ])
      assert.equal(a.flashMessages().notice, 'Image saved.')
      assert.equal(b.flashMessages().notice, 'Image saved.')
    } finally {
      imageQueueEvents.off('start', onStart).off('end', onEnd)
    }
    // Never two at once: every job ends before the next starts.
    assert.lengthOf(seen, 4)
    for (let i = 0; i < seen.length; i += 2) {
      assert.match(seen[i], /^start /)
      assert.equal(seen[i + 1], seen[i].replace('start', 'end'))
    }
    assert.sameMembers(
      seen.filter((s) => s.startsWith('start')),
      [`start set image of Program ${program.id}`, `start set image of Episode ${episode.id}`]
    )
    await program.refresh()
    const meta = await sharp(
      await readFile(join(antenneConfig.images.dir, `${program.image}-slide.jpg`))
    ).metadata()
    assert.deepInclude(meta, { width: 320, height: 240 })
  })

  test('repeated file fields, on the image and the sound routes, leave no staged file whether accepted or refused', async ({
    client,
    assert,
  }) => {
    const { program, episode, admin } = await setUp()
    const staging = () =>
      existsSync(antenneConfig.uploads.stagingDir)
        ? readdirSync(antenneConfig.uploads.stagingDir)
        : []
    const before = staging()
    const ok = await picture('ok.jpg', 1500, 1500, 'jpeg')
    const small = await picture('tiny.png', 100, 100)
    const heavy = await heavyPng(join(scratch, 'heavy16.png'))
    const images = (paths: string[]) => {
      const request = client
        .post(`/staff/episodes/${episode.id}/image`)
        .withCsrfToken()
        .loginAs(admin)
        .header('referer', '/staff')
        .redirects(0)
      for (const path of paths) request.file('image', path)
      return request
    }
    const accepted = await images([ok, small, heavy])
    assert.equal(
      accepted.flashMessages().notice,
      'Image saved.',
      JSON.stringify(accepted.flashMessages())
    )
    assert.deepEqual(staging(), before)
    await episode.refresh()
    const kept = episode.image
    const refused = await images([heavy, ok, ok])
    assert.match(String(refused.flashMessages().problem), /more than 200 MB once decoded/)
    assert.deepEqual(staging(), before)
    await episode.refresh()
    assert.equal(episode.image, kept)

    const text = join(scratch, 'a.ogg')
    await writeFile(text, 'not audio at all\n'.repeat(500))
    const sounds = await client
      .post(`/staff/programs/${program.id}/sounds`)
      .file('file', text)
      .file('file', text)
      .file('file', ok)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff')
      .redirects(0)
    sounds.assertStatus(302)
    assert.isUndefined(sounds.flashMessages().notice)
    assert.deepEqual(staging(), before)
  })

  test('a missing image or cover is a 404 no cache keeps; a found one is kept a year', async ({
    client,
    assert,
  }) => {
    const IMMUTABLE = 'public, max-age=31536000, immutable'
    for (const url of [
      `/images/${'0'.repeat(64)}-page.jpg`,
      `/images/${'0'.repeat(64)}-huge.jpg`,
      `/covers/${'0'.repeat(40)}.jpg`,
      '/covers/x.jpg',
    ]) {
      const missing = await client.get(url)
      missing.assertStatus(404)
      assert.notEqual(missing.header('cache-control'), IMMUTABLE, url)
    }
    const name = `${'ab'.repeat(20)}.png`
    await mkdir(antenneConfig.library.coversDir, { recursive: true })
    await sharp({ create: { width: 50, height: 50, channels: 3, background: '#123456' } })
      .png()
      .toFile(join(antenneConfig.library.coversDir, name))
    try {
      const cover = await client.get(`/covers/${name}`)
      cover.assertStatus(200)
      assert.equal(cover.header('content-type'), 'image/png')
      assert.equal(cover.header('cache-control'), IMMUTABLE)
      const again = await client
        .get(`/covers/${name}`)
        .header('if-none-match', cover.header('etag')!)
      again.assertStatus(304)
    } finally {
      await rm(join(antenneConfig.library.coversDir, name), { force: true })
    }
  })

  test("deleting an episode or a program removes the images no record shows any more, its cascade's too", async ({
    client,
    assert,
  }) => {
    const { station, program, episode, admin } = await setUp()
    const second = await EpisodeFactory.merge({ programId: program.id, title: 'Second' }).create()
    const coloured = async (name: string, colour: string) => {
      const path = join(scratch, name)
      await sharp({ create: { width: 1400, height: 1400, channels: 3, background: colour } })
        .png()
        .toFile(path)
      return path
    }
    const upload = async (url: string, file: string) =>
      (
        await client
          .post(url)
          .file('image', file)
          .withCsrfToken()
          .loginAs(admin)
          .header('referer', '/staff')
          .redirects(0)
      ).assertStatus(302)
    const cms = (url: string) =>
      client.post(url).withCsrfToken().loginAs(admin).header('referer', '/staff').redirects(0)
    await upload(`/staff/episodes/${episode.id}/image`, await coloured('one.png', '#102030'))
    await upload(`/staff/episodes/${second.id}/image`, await coloured('two.png', '#405060'))
    const shared = await coloured('shared.png', '#708090')
    await upload(`/staff/programs/${program.id}/image`, shared)
    await upload(`/staff/stations/${station.id}/image`, shared)
    const one = (await Episode.findOrFail(episode.id)).image!
    const two = (await Episode.findOrFail(second.id)).image!
    const logo = (await Station.findOrFail(station.id)).logo!
    const files = (hash: string) => storedFiles().filter((name) => name.startsWith(hash))
    for (const hash of [one, two, logo]) assert.lengthOf(files(hash), 3)

    ;(await cms(`/staff/episodes/${episode.id}/delete`)).assertStatus(302)
    assert.lengthOf(files(one), 0)
    ;(await client.get(`/images/${one}-page.jpg`)).assertStatus(404)
    assert.lengthOf(files(two), 3)

    // The program's cascade takes its other episode; the picture the station shows stays.
    ;(await cms(`/staff/programs/${program.id}/delete`)).assertStatus(302)
    assert.isNull(await Episode.find(second.id))
    assert.lengthOf(files(two), 0)
    assert.lengthOf(files(logo), 3)
    ;(await client.get(`/images/${logo}-page.jpg`)).assertStatus(200)
  })
})
