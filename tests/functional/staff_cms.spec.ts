import { test } from '@japa/runner'
import { SoundLibrary } from '#library/sound_library'
import { DateTime } from 'luxon'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import testUtils from '@adonisjs/core/services/test_utils'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Sound from '#models/sound'
import Track from '#models/track'
import User from '#models/user'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { diffusions } from '#tests/helpers'

const ZONE = 'Europe/Brussels'
let serial = 0

/** Two stations; a manager of the first; a host of one of its programs. */
async function newsroom() {
  const north = await StationFactory.merge({ timezone: ZONE, name: 'Radio Nord' }).create()
  const south = await StationFactory.merge({ timezone: ZONE, name: 'Radio Sud' }).create()
  const talk = await ProgramFactory.merge({
    stationId: north.id,
    title: 'Talk',
    slug: `talk-${++serial}`,
  }).create()
  const music = await ProgramFactory.merge({
    stationId: north.id,
    title: 'Music',
    slug: `music-${++serial}`,
  }).create()
  const southShow = await ProgramFactory.merge({
    stationId: south.id,
    title: 'South Show',
    slug: `south-${++serial}`,
  }).create()
  const admin = await UserFactory.apply('admin').create()
  const manager = await UserFactory.apply('manager').create()
  await manager.related('stations').attach([north.id])
  const host = await UserFactory.create()
  await host.related('programs').attach([talk.id])
  return { north, south, talk, music, southShow, admin, manager, host }
}

async function episodeOf(program: Program, title = `Episode ${++serial}`) {
  return EpisodeFactory.merge({ programId: program.id, title }).create()
}

test.group('Staff CMS: logging in', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a guest is sent to the login page from every staff page', async ({ client, assert }) => {
    for (const url of [
      '/staff',
      '/staff/programs',
      '/staff/calendar',
      '/staff/users',
      '/staff/streamer',
    ]) {
      const response = await client.get(url).redirects(0)
      response.assertStatus(302)
      assert.equal(response.header('location'), '/staff/login', url)
    }
  })

  test('a wrong password gets the login form back with one message; the right one opens the dashboard', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.merge({ email: 'desk@example.org' }).create()
    const wrong = await client
      .post('/staff/login')
      .form({ email: user.email, password: 'not-the-password' })
      .withCsrfToken()
      .header('referer', '/staff/login')
      .redirects(0)
    wrong.assertStatus(302)
    wrong.assertFlashMessage('loginError', 'Wrong email or password.')
    const unknown = await client
      .post('/staff/login')
      .form({ email: 'nobody@example.org', password: 'not-the-password' })
      .withCsrfToken()
      .header('referer', '/staff/login')
      .redirects(0)
    unknown.assertFlashMessage('loginError', 'Wrong email or password.')
    const right = await client
      .post('/staff/login')
      .form({ email: 'desk@example.org', password: 'a-long-password' })
      .withCsrfToken()
      .redirects(0)
    right.assertStatus(302)
    assert.equal(right.header('location'), '/staff')
  })

  test('a login form posted without its CSRF token is refused', async ({ client, assert }) => {
    const user = await UserFactory.create()
    const response = await client
      .post('/staff/login')
      .form({ email: user.email, password: 'a-long-password' })
      .header('referer', '/staff/login')
      .redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), '/staff/login')
    assert.property(response.flashMessages().errorsBag, 'E_BAD_CSRF_TOKEN')
  })

  test('staff pages are never kept by the browser: Back after logout shows nothing', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    for (const url of ['/staff', '/staff/programs', '/staff/users']) {
      const page = await client.get(url).loginAs(admin)
      page.assertStatus(200)
      assert.equal(page.header('cache-control'), 'no-store', url)
    }
  })

  test('passwords are stored hashed', async ({ assert }) => {
    const user = await UserFactory.create()
    const stored = await User.findOrFail(user.id)
    assert.notEqual(stored.password, 'a-long-password')
    assert.isTrue(await stored.verifyPassword('a-long-password'))
  })
})

test.group('Staff CMS: roles', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a host edits the episodes of their program, and gets 403 on another program, on programs and on users', async ({
    client,
    assert,
  }) => {
    const { talk, music, host } = await newsroom()
    const own = await episodeOf(talk)
    const other = await episodeOf(music)
    ;(await client.get(`/staff/episodes/${own.id}`).loginAs(host)).assertStatus(200)
    ;(await client.get(`/staff/episodes/${other.id}`).loginAs(host)).assertStatus(403)
    const forbidden = await client
      .post(`/staff/episodes/${other.id}`)
      .form({ title: 'Hijacked' })
      .withCsrfToken()
      .loginAs(host)
    forbidden.assertStatus(403)
    assert.include(forbidden.text(), 'Not allowed')
    assert.equal((await Episode.findOrFail(other.id)).title, other.title)
    ;(await client.get('/staff/programs/create').loginAs(host)).assertStatus(403)
    ;(
      await client
        .post(`/staff/programs/${talk.id}`)
        .form({ stationId: talk.stationId, title: 'Renamed' })
        .withCsrfToken()
        .loginAs(host)
    ).assertStatus(403)
    ;(await client.get('/staff/users').loginAs(host)).assertStatus(403)
    // The programs list shows only theirs.
    const list = (await client.get('/staff/programs').loginAs(host)).text()
    assert.include(list, '>Talk<')
    assert.notInclude(list, '>Music<')
  })

  test('a manager runs the programs and diffusions of their station only', async ({
    client,
    assert,
  }) => {
    const { north, south, talk, southShow, manager } = await newsroom()
    const ok = await client
      .post(`/staff/programs/${talk.id}`)
      .form({ stationId: north.id, title: 'Talk Renamed', active: 'on' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    ok.assertStatus(302)
    assert.equal((await Program.findOrFail(talk.id)).title, 'Talk Renamed')
    ;(await client.get(`/staff/programs/${southShow.id}`).loginAs(manager)).assertStatus(403)
    // Nor can a program be moved into a station they do not run.
    ;(
      await client
        .post(`/staff/programs/${talk.id}`)
        .form({ stationId: south.id, title: 'Escaped' })
        .withCsrfToken()
        .loginAs(manager)
    ).assertStatus(403)
    const episode = await episodeOf(southShow)
    const start = DateTime.utc().plus({ days: 2 }).startOf('hour')
    const diffusion = await DiffusionFactory.merge({ episodeId: episode.id, start }).create()
    ;(
      await client
        .post(`/staff/diffusions/${diffusion.id}/type`)
        .form({ type: 'cancel' })
        .withCsrfToken()
        .loginAs(manager)
    ).assertStatus(403)
    assert.equal((await Diffusion.findOrFail(diffusion.id)).type, 'on_air')
    ;(await client.get('/staff/stations/create').loginAs(manager)).assertStatus(403)
  })

  test('an admin manages users: roles, stations and programs; nobody can demote the last word on their own account', async ({
    client,
    assert,
  }) => {
    const { north, talk, admin } = await newsroom()
    const created = await client
      .post('/staff/users')
      .form({
        'email': 'New.Host@Example.org',
        'fullName': 'New Host',
        'role': 'host',
        'password': 'ten-chars-at-least',
        'programIds[]': [String(talk.id)],
      })
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    created.assertStatus(302)
    const user = await User.findByOrFail('email', 'new.host@example.org')
    await user.load('programs')
    assert.deepEqual(
      user.programs.map((p) => p.id),
      [talk.id]
    )
    const short = await client
      .post('/staff/users')
      .form({ email: 'x@example.org', role: 'host', password: 'short' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/users/create')
      .redirects(0)
    short.assertStatus(302)
    short.assertFlashMessage('inputErrorsBag', {
      password: ['The password field must have at least 12 characters'],
    })
    const demote = await client
      .post(`/staff/users/${admin.id}`)
      .form({ 'email': admin.email, 'role': 'host', 'stationIds[]': [String(north.id)] })
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    demote.assertStatus(302)
    assert.equal((await User.findOrFail(admin.id)).role, 'admin')
  })
})

test.group('Staff CMS: programs, schedules and diffusions', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a manager creates a program and a weekly schedule; the generator makes its diffusions; the calendar shows them', async ({
    client,
    assert,
  }) => {
    const { north, manager } = await newsroom()
    const created = await client
      .post('/staff/programs')
      .form({ stationId: north.id, title: 'Évasion du Soir', active: 'on' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    created.assertStatus(302)
    const program = await Program.query()
      .where('station_id', north.id)
      .where('title', 'Évasion du Soir')
      .firstOrFail()
    assert.equal(program.slug, 'evasion-du-soir')
    assert.equal(created.header('location'), `/staff/programs/${program.id}`)

    const month = DateTime.now().setZone(ZONE).plus({ months: 1 }).startOf('month')
    const firstMonday = month.plus({ days: (8 - month.weekday) % 7 }).toISODate()!
    const schedule = await client
      .post(`/staff/programs/${program.id}/schedules`)
      .form({
        date: firstMonday,
        time: '21:00',
        timezone: ZONE,
        duration: '90',
        frequency: 'every',
        _form: 'schedule-new',
      })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    schedule.assertStatus(302)
    assert.lengthOf(await Schedule.query().where('program_id', program.id), 1)

    await diffusions('--update', '--month', month.toFormat('yyyy-MM'), '--station', north.slug)
    const aired = await Diffusion.query().where('program_id', program.id).orderBy('start')
    assert.isAtLeast(aired.length, 4)
    assert.equal(aired[0].start.setZone(ZONE).toFormat('yyyy-MM-dd HH:mm'), `${firstMonday} 21:00`)

    const calendar = await client
      .get(`/staff/calendar/${firstMonday.replace(/-/g, '/')}?station=${north.id}`)
      .loginAs(manager)
    calendar.assertStatus(200)
    assert.include(calendar.text(), 'Évasion du Soir')
    assert.include(calendar.text(), '21:00–22:30')
  })

  test('the schedule preview answers the next dates in the zone, DST included, and the problems of a half-typed rule', async ({
    client,
    assert,
  }) => {
    const { manager } = await newsroom()
    const march = DateTime.now().setZone(ZONE).plus({ years: 1 }).set({ month: 3, day: 1 })
    const from = march.plus({ days: (7 - march.weekday) % 7 }).toISODate()!
    const preview = await client
      .get('/staff/schedules/preview')
      .qs({ date: from, time: '02:30', timezone: ZONE, duration: '60', frequency: 'every' })
      .loginAs(manager)
    preview.assertStatus(200)
    const body = preview.body()
    assert.deepEqual(body.errors, [])
    assert.lengthOf(body.occurrences, 8)
    // The last Sunday of March has no 02:30 in Brussels: that night it airs at 03:30 (RFC 5545).
    const gap = body.occurrences.find(
      (o: { local: string }) => o.local.startsWith('Sun') && o.local.includes('03:30')
    )
    assert.exists(gap, JSON.stringify(body.occurrences.map((o: { local: string }) => o.local)))
    const bad = await client
      .get('/staff/schedules/preview')
      .qs({ date: '2026-02-30', time: '25:00', timezone: 'Mars/Base', frequency: 'every' })
      .loginAs(manager)
    assert.isAbove(bad.body().errors.length, 1)
    assert.deepEqual(bad.body().occurrences, [])
  })

  test('a bad schedule gets its errors beside the fields (302) or as JSON (422), and nothing is saved', async ({
    client,
    assert,
  }) => {
    const { talk, manager } = await newsroom()
    const form = await client
      .post(`/staff/programs/${talk.id}/schedules`)
      .form({
        date: '2026-13-01',
        time: '8h',
        timezone: 'Mars/Base',
        duration: '0',
        frequency: 'sometimes',
      })
      .withCsrfToken()
      .loginAs(manager)
      .header('referer', `/staff/programs/${talk.id}`)
      .redirects(0)
    form.assertStatus(302)
    const errors = form.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.properties(errors, ['date', 'time', 'timezone', 'duration', 'frequency'])
    assert.include(errors.timezone[0], 'IANA time zone')
    const json = await client
      .post(`/staff/programs/${talk.id}/schedules`)
      .json({ date: '2026-01-05', time: '99:00', timezone: ZONE, duration: 60, frequency: 'every' })
      .withCsrfToken()
      .loginAs(manager)
      .accept('json')
    json.assertStatus(422)
    assert.equal(json.body().errors[0].field, 'time')
    assert.lengthOf(await Schedule.query().where('program_id', talk.id), 0)
    // In French, the messages are French.
    const fr = await client
      .post(`/staff/programs/${talk.id}/schedules`)
      .json({ date: '2026-01-05', time: '99:00', timezone: ZONE, duration: 60, frequency: 'every' })
      .withCsrfToken()
      .loginAs(manager)
      .accept('json')
      .header('accept-language', 'fr')
    assert.include(fr.body().errors[0].message, 'doit être une heure')
  })

  test('cancel, confirm and move a diffusion from the calendar; a move onto another show is refused with a message', async ({
    client,
    assert,
  }) => {
    const { talk, music, manager } = await newsroom()
    const start = DateTime.fromISO('2031-03-03T10:00', { zone: ZONE })
    const a = await DiffusionFactory.merge({ episodeId: (await episodeOf(talk)).id, start })
      .apply('unconfirmed')
      .create()
    const b = await DiffusionFactory.merge({
      episodeId: (await episodeOf(music)).id,
      start: start.plus({ hours: 2 }),
    }).create()
    ;(
      await client
        .post(`/staff/diffusions/${a.id}/type`)
        .form({ type: 'on_air' })
        .withCsrfToken()
        .loginAs(manager)
        .redirects(0)
    ).assertStatus(302)
    const confirmed = await Diffusion.findOrFail(a.id)
    assert.equal(confirmed.type, 'on_air')
    assert.isTrue(confirmed.edited)

    const clash = await client
      .post(`/staff/diffusions/${a.id}/move`)
      .form({ date: '2031-03-03', time: '12:30', duration: '60' })
      .withCsrfToken()
      .loginAs(manager)
      .header('referer', '/staff/calendar')
      .redirects(0)
    clash.assertStatus(302)
    assert.include(clash.flashMessages().problem, 'overlap "Music"')
    assert.equal((await Diffusion.findOrFail(a.id)).start.toMillis(), start.toMillis())

    ;(
      await client
        .post(`/staff/diffusions/${a.id}/move`)
        .form({ date: '2031-03-04', time: '09:15', duration: '45' })
        .withCsrfToken()
        .loginAs(manager)
        .redirects(0)
    ).assertStatus(302)
    const moved = await Diffusion.findOrFail(a.id)
    assert.equal(moved.start.setZone(ZONE).toFormat('yyyy-MM-dd HH:mm'), '2031-03-04 09:15')
    assert.equal(moved.end.diff(moved.start, 'minutes').minutes, 45)

    ;(
      await client
        .post(`/staff/diffusions/${b.id}/type`)
        .form({ type: 'cancel' })
        .withCsrfToken()
        .loginAs(manager)
        .redirects(0)
    ).assertStatus(302)
    assert.equal((await Diffusion.findOrFail(b.id)).type, 'cancel')
    const bogus = await client
      .post(`/staff/diffusions/${b.id}/type`)
      .form({ type: 'deleted' })
      .withCsrfToken()
      .loginAs(manager)
      .header('referer', '/staff/calendar')
      .redirects(0)
    bogus.assertStatus(302)
    assert.properties(bogus.flashMessages().inputErrorsBag, ['type'])
  })

  test('hostile titles and names are escaped on every staff page', async ({ client, assert }) => {
    const { north, admin } = await newsroom()
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    const program = await ProgramFactory.merge({
      stationId: north.id,
      title: evil,
      slug: `evil-${++serial}`,
      description: evil,
    }).create()
    const episode = await episodeOf(program, evil)
    await TrackFactory.merge({ episodeId: episode.id, title: evil, artist: evil }).create()
    const start = DateTime.utc().startOf('week').plus({ days: 2, hours: 10 })
    await DiffusionFactory.merge({ episodeId: episode.id, start }).create()
    await UserFactory.merge({ fullName: evil }).create()
    for (const url of [
      '/staff/programs',
      `/staff/programs/${program.id}`,
      `/staff/programs/${program.id}/episodes`,
      `/staff/episodes/${episode.id}`,
      `/staff/calendar?station=${north.id}`,
      '/staff/users',
      '/staff',
    ]) {
      const html = (await client.get(url).loginAs(admin)).text()
      assert.notInclude(html, '<script>alert', url)
      assert.notInclude(html, '<img src=x', url)
    }
    assert.include((await client.get('/staff/programs').loginAs(admin)).text(), '&lt;script&gt;')
  })

  test('a bad id or an unknown page gets a 404 page, never a 500', async ({ client }) => {
    const { admin } = await newsroom()
    for (const url of [
      '/staff/programs/999999',
      '/staff/episodes/abc',
      '/staff/sounds/999999',
      '/staff/nothing-here',
      '/staff/calendar/2026/02/31',
    ]) {
      ;(await client.get(url).loginAs(admin)).assertStatus(404)
    }
  })
})

test.group('Staff CMS: episodes, tracklists and sounds', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a tracklist is saved in the order of its positions; blank rows are dropped; timestamps read m:ss', async ({
    client,
    assert,
  }) => {
    const { talk, host } = await newsroom()
    const episode = await episodeOf(talk)
    const response = await client
      .post(`/staff/episodes/${episode.id}/tracks`)
      .form({
        'tracks[0][position]': '2',
        'tracks[0][title]': 'Second',
        'tracks[0][artist]': 'B',
        'tracks[1][position]': '1',
        'tracks[1][title]': 'First',
        'tracks[1][artist]': 'A',
        'tracks[2][position]': '3',
        'tracks[2][title]': '',
        'tracks[2][artist]': '',
      })
      .withCsrfToken()
      .loginAs(host)
      .redirects(0)
    response.assertStatus(302)
    response.assertFlashMessage('notice', '2 tracks saved.')
    const tracks = await Track.query().where('episode_id', episode.id).orderBy('position')
    assert.deepEqual(
      tracks.map((t) => [t.position, t.title, t.artist]),
      [
        [0, 'First', 'A'],
        [1, 'Second', 'B'],
      ]
    )

    const sound = await SoundFactory.merge({ programId: talk.id }).create()
    await client
      .post(`/staff/sounds/${sound.id}/tracks`)
      .form({
        'tracks[0][title]': 'Intro',
        'tracks[0][timestamp]': '0',
        'tracks[1][title]': 'Song',
        'tracks[1][timestamp]': '1:01:05',
      })
      .withCsrfToken()
      .loginAs(host)
    assert.deepEqual(
      (await Track.query().where('sound_id', sound.id).orderBy('position')).map((t) => t.timestamp),
      [0, 3665]
    )
    const bad = await client
      .post(`/staff/sounds/${sound.id}/tracks`)
      .form({ 'tracks[0][title]': 'Bad', 'tracks[0][timestamp]': '1:75' })
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    assert.properties(bad.flashMessages().inputErrorsBag, ['tracks.0.timestamp'])
    assert.lengthOf(await Track.query().where('sound_id', sound.id), 2)
  })

  test('a CSV tracklist replaces the list; a malformed one names its line and changes nothing', async ({
    client,
    assert,
  }) => {
    const { talk, host } = await newsroom()
    const episode = await episodeOf(talk)
    const dir = mkdtempSync(join(tmpdir(), 'antenne-csv-'))
    writeFileSync(
      join(dir, 'good.csv'),
      '# artist;title;min;sec\nSignal Clair;Les Ondes;0;0\n"The Relays";"Night; Bus";3;20\n'
    )
    writeFileSync(join(dir, 'bad.csv'), 'A;B;0;0\nC;D;x;0\n')
    const good = await client
      .post(`/staff/episodes/${episode.id}/tracks.csv`)
      .file('csv', join(dir, 'good.csv'))
      .withCsrfToken()
      .loginAs(host)
      .redirects(0)
    good.assertStatus(302)
    assert.deepEqual(
      (await Track.query().where('episode_id', episode.id).orderBy('position')).map((t) => t.title),
      ['Les Ondes', 'Night; Bus']
    )
    const bad = await client
      .post(`/staff/episodes/${episode.id}/tracks.csv`)
      .file('csv', join(dir, 'bad.csv'))
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    assert.include(bad.flashMessages().problem, 'line 2')
    assert.lengthOf(await Track.query().where('episode_id', episode.id), 2)
  })

  test('an uploaded sound lands in the program folder at once, the library measures it afterwards; a non-audio upload is refused by its name', async ({
    client,
    assert,
  }) => {
    const { talk, host } = await newsroom()
    // Slugs repeat from one run to the next: start from an empty folder.
    rmSync(talk.soundsDir, { recursive: true, force: true })
    const dir = mkdtempSync(join(tmpdir(), 'antenne-upload-'))
    const wav = join(dir, 'Émission du 3 mars (final).wav')
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=3:sample_rate=44100',
      '-af',
      'volume=0.5',
      '-y',
      wav,
    ])
    const response = await client
      .post(`/staff/programs/${talk.id}/sounds`)
      .file('file', wav)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(host)
      .redirects(0)
    response.assertStatus(302)
    const sound = await Sound.query().where('program_id', talk.id).firstOrFail()
    assert.equal(response.header('location'), `/staff/sounds/${sound.id}`)
    assert.equal(sound.path, join(talk.archivesDir, 'Emission_du_3_mars_final.wav'))
    assert.equal(sound.type, 'archive')
    assert.approximately(sound.duration!, 3, 0.1)
    // Measuring is the library process's work, not the request's.
    assert.isNull(sound.loudness)
    assert.include(
      (await client.get(`/staff/sounds/${sound.id}`).loginAs(host)).text(),
      'being analysed by the library'
    )
    const library = SoundLibrary.configured(
      { info: () => {}, warn: () => {}, error: () => {} },
      { workers: 1 }
    )
    await library.scan([talk.id], { settle: 0 })
    await library.checkQuality({ programIds: [talk.id] })
    await sound.refresh()
    assert.isNotNull(sound.loudness)
    assert.lengthOf(await Sound.query().where('program_id', talk.id), 1)
    const page = await client.get(`/staff/sounds/${sound.id}`).loginAs(host)
    assert.include(page.text(), 'LUFS')
    const audio = await client.get(`/staff/sounds/${sound.id}/audio`).loginAs(host)
    audio.assertStatus(200)
    assert.equal(audio.header('content-type'), 'audio/wav')

    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'not audio')
    const refused = await client
      .post(`/staff/programs/${talk.id}/sounds`)
      .file('file', text)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(host)
      .header('referer', '/x')
      .redirects(0)
    refused.assertStatus(302)
    assert.include(refused.flashMessages().problem, 'is not a sound file')
    assert.lengthOf(await Sound.query().where('program_id', talk.id), 1)
  })
})

test.group('Staff CMS: streamer page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('with no Liquidsoap running, the page says so and an action gets a message, not an error page', async ({
    client,
    assert,
  }) => {
    const { north, manager } = await newsroom()
    const page = await client.get('/staff/streamer').loginAs(manager)
    page.assertStatus(200)
    assert.include(page.text(), 'The streamer does not answer.')
    const skip = await client
      .post(`/staff/streamer/${north.id}/skip`)
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    skip.assertStatus(302)
    assert.match(String(skip.flashMessages().problem), /socket|ENOENT|connect/i)
  })
})

test.group('Write API with personal tokens', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a token made in the CMS is shown once, stored hashed, writes as its user, and stops working when revoked', async ({
    client,
    assert,
  }) => {
    const { talk, music, host } = await newsroom()
    const made = await client
      .post('/staff/tokens')
      .form({ name: 'studio laptop' })
      .withCsrfToken()
      .loginAs(host)
      .redirects(0)
    made.assertStatus(302)
    const secret = String(made.flashMessages().newToken)
    assert.match(secret, /^ant_/)
    const stored = await User.accessTokens.all(host)
    assert.lengthOf(stored, 1)
    assert.notInclude(
      JSON.stringify(
        await (await import('@adonisjs/lucid/services/db')).default.from('auth_access_tokens')
      ),
      secret.slice(4)
    )

    const created = await client
      .post(`/api/v1/programs/${talk.id}/episodes`)
      .bearerToken(secret)
      .json({ title: 'From the studio' })
    created.assertStatus(201)
    assert.equal(created.body().slug, 'from-the-studio')
    const episodeId = created.body().id
    const tracks = await client
      .put(`/api/v1/episodes/${episodeId}/tracks`)
      .bearerToken(secret)
      .json({ tracks: [{ title: 'One', artist: 'A' }, { title: 'Two' }] })
    tracks.assertStatus(200)
    assert.lengthOf(await Track.query().where('episode_id', episodeId), 2)

    const elsewhere = await client
      .post(`/api/v1/programs/${music.id}/episodes`)
      .bearerToken(secret)
      .json({ title: 'Not mine' })
    elsewhere.assertStatus(403)
    assert.equal(elsewhere.body().error, 'E_FORBIDDEN')
    const invalid = await client
      .post(`/api/v1/programs/${talk.id}/episodes`)
      .bearerToken(secret)
      .json({ title: '' })
    invalid.assertStatus(422)
    assert.equal(invalid.body().errors[0].field, 'title')

    const none = await client
      .post(`/api/v1/programs/${talk.id}/episodes`)
      .json({ title: 'Anonymous' })
    none.assertStatus(401)
    assert.equal(none.body().error, 'E_UNAUTHORIZED_ACCESS')
    const forged = await client
      .post(`/api/v1/programs/${talk.id}/episodes`)
      .bearerToken('ant_forged.secret')
      .json({ title: 'Forged' })
    forged.assertStatus(401)

    await client.post(`/staff/tokens/${stored[0].identifier}/delete`).withCsrfToken().loginAs(host)
    ;(
      await client
        .post(`/api/v1/programs/${talk.id}/episodes`)
        .bearerToken(secret)
        .json({ title: 'After revoke' })
    ).assertStatus(401)
  })

  test('a manager confirms or cancels a diffusion through the API; an overlap is a 422 with a message', async ({
    client,
    assert,
  }) => {
    const { talk, music, manager } = await newsroom()
    const token = (await User.accessTokens.create(manager)).value!.release()
    const start = DateTime.fromISO('2031-05-05T10:00', { zone: ZONE })
    const a = await DiffusionFactory.merge({ episodeId: (await episodeOf(talk)).id, start })
      .apply('unconfirmed')
      .create()
    await DiffusionFactory.merge({
      episodeId: (await episodeOf(music)).id,
      start: start.plus({ minutes: 30 }),
      end: start.plus({ hours: 2 }),
    }).create()
    const clash = await client
      .patch(`/api/v1/diffusions/${a.id}`)
      .bearerToken(token)
      .json({ type: 'on_air' })
    clash.assertStatus(422)
    assert.equal(clash.body().error, 'E_INVALID_RECORD')
    const cancel = await client
      .patch(`/api/v1/diffusions/${a.id}`)
      .bearerToken(token)
      .json({ type: 'cancel' })
    cancel.assertStatus(200)
    assert.deepInclude(cancel.body(), { id: a.id, type: 'cancel', edited: true })
  })
})
