/// <reference lib="dom" />
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import transmit from '@adonisjs/transmit/services/main'
import type { Browser, Page } from 'playwright-core'
import Diffusion from '#models/diffusion'
import Program from '#models/program'
import Track from '#models/track'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { LogFactory } from '#database/factories/log_factory'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { NowPlayingBroadcaster } from '#on_air/now_playing_broadcaster'
import { diffusions } from '#tests/helpers'
import { baseUrl, launchChromium, logIn, screenshot, submit } from '#tests/browser/chromium'

const ZONE = 'Europe/Brussels'
let serial = 0
let browser: Browser
let page: Page
/** What the Content Security Policy blocked on the page of the current test. */
let violations: string[] = []

async function defaultStation() {
  return StationFactory.merge({
    isDefault: true,
    timezone: ZONE,
    name: 'Radio Campus Test',
  }).create()
}

/** A track of a sound, logged on air at `at` by the streamer. */
async function played(
  stationId: number,
  programId: number,
  at: DateTime,
  title: string,
  artist: string
) {
  const sound = await SoundFactory.merge({ programId, name: title }).create()
  const track = await TrackFactory.merge({
    soundId: sound.id,
    timestamp: 0,
    title,
    artist,
  }).create()
  return LogFactory.merge({
    stationId,
    date: at,
    source: 'rotation',
    soundId: sound.id,
    trackId: track.id,
  }).create()
}

test.group('In a browser', (group) => {
  group.setup(async () => {
    browser = await launchChromium()
    return () => browser.close()
  })
  group.each.setup(async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
    })
    page = await context.newPage()
    // The CMS asks before destructive actions: say yes.
    page.on('dialog', (dialog) => void dialog.accept())
    // The pages run under a Content Security Policy (config/shield.ts): anything it blocks fails the test.
    violations = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await context.close()
      await rollback()
      if (violations.length)
        throw new Error(`blocked by the Content Security Policy:\n${violations.join('\n')}`)
    }
  })

  test('a scheduler logs in, creates a program and a schedule (its dates previewed as typed), and sees and cancels its diffusions', async ({
    assert,
  }) => {
    const station = await defaultStation()
    const admin = await UserFactory.apply('admin')
      .merge({ email: `chief-${Date.now()}@example.org` })
      .create()
    await logIn(page, admin.email, 'a-long-password')
    assert.equal(await page.textContent('h1'), 'Dashboard')
    await screenshot(page, 'staff-dashboard')

    await page.goto(`${baseUrl()}/staff/programs/create`)
    await page.fill('#f-title', 'Le Grand Direct')
    await page.selectOption('#f-stationId', String(station.id))
    await Promise.all([
      page.waitForURL(/\/staff\/programs\/\d+$/),
      page.click('form.grid button[type=submit]'),
    ])
    const program = await Program.query().where('title', 'Le Grand Direct').firstOrFail()
    assert.equal(program.slug, 'le-grand-direct')

    const month = DateTime.now().setZone(ZONE).plus({ months: 1 }).startOf('month')
    const monday = month.plus({ days: (8 - month.weekday) % 7 })
    await page.fill('#snew-date', monday.toISODate()!)
    await page.fill('#snew-time', '21:00')
    await page.fill('#snew-duration', '60')
    // The preview is the server's engine, asked as the rule is typed.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.schedule-form .dates li').length === 8 &&
        document.querySelector('.schedule-form .dates li')!.textContent!.includes('21:00')
    )
    const first = await page.textContent('.schedule-form .dates li')
    assert.include(first!, `${monday.toISODate()} 21:00–22:00`)
    await screenshot(page, 'staff-program-schedule')
    await submit(page, page.locator('.schedule-form button[type=submit]'))
    assert.include(await page.textContent('.notice'), 'Schedule added')

    await diffusions('--update', '--month', month.toFormat('yyyy-MM'))
    await page.goto(
      `${baseUrl()}/staff/calendar/${monday.toFormat('yyyy/MM/dd')}?station=${station.id}`
    )
    const card = page.locator('article.diffusion', { hasText: 'Le Grand Direct' })
    assert.equal(await card.count(), 1)
    assert.include(await card.textContent(), '21:00–22:00')
    await screenshot(page, 'staff-calendar')
    await submit(page, card.locator('button.danger'))
    assert.include(
      await page.locator('article.diffusion', { hasText: 'Le Grand Direct' }).textContent(),
      'cancelled'
    )
    const diffusion = await Diffusion.query()
      .where('program_id', program.id)
      .orderBy('start')
      .firstOrFail()
    assert.equal(diffusion.type, 'cancel')
  })

  test('a host reorders a tracklist with the arrow buttons and saves it', async ({ assert }) => {
    const station = await defaultStation()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Jazz Corner',
      slug: `jazz-${++serial}`,
    }).create()
    const episode = await EpisodeFactory.merge({
      programId: program.id,
      title: 'Blue Notes',
    }).create()
    await TrackFactory.merge([
      { episodeId: episode.id, position: 0, title: 'So What', artist: 'Miles Davis' },
      { episodeId: episode.id, position: 1, title: 'Naima', artist: 'John Coltrane' },
    ]).createMany(2)
    const host = await UserFactory.merge({ email: `host-${Date.now()}@example.org` }).create()
    await host.related('programs').attach([program.id])
    await logIn(page, host.email, 'a-long-password')
    await page.goto(`${baseUrl()}/staff/episodes/${episode.id}`)
    await page.locator('tr.track-row').nth(1).locator('button[aria-label=up]').click()
    await page.locator('tr.track-row').nth(2).locator('input[name$="[title]"]').fill('Take Five')
    await screenshot(page, 'staff-episode-tracklist')
    await submit(page, page.locator('form.tracklist button[type=submit]'))
    assert.include(await page.textContent('.notice'), '3 tracks saved.')
    const titles = (await Track.query().where('episode_id', episode.id).orderBy('position')).map(
      (t) => t.title
    )
    assert.deepEqual(titles, ['Naima', 'So What', 'Take Five'])
  })

  test('a listener reads the on-air log, and sees now playing change live on the home page', async ({
    assert,
  }) => {
    const station = await defaultStation()
    const rotation = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Rotation',
      slug: `rotation-${++serial}`,
    }).create()
    const now = DateTime.utc()
    await played(station.id, rotation.id, now.minus({ minutes: 8 }), 'Les Ondes', 'Signal Clair')
    await played(station.id, rotation.id, now.minus({ minutes: 4 }), 'Night Bus', 'The Relays')

    await page.goto(`${baseUrl()}/logs`)
    const log = await page.textContent('main')
    assert.include(log!, 'Night Bus')
    assert.isBelow(log!.indexOf('Night Bus'), log!.indexOf('Les Ondes'))
    await screenshot(page, 'public-logs')

    const broadcaster = new NowPlayingBroadcaster(
      (channel, payload) => transmit.broadcast(channel, payload as never),
      100
    )
    await page.goto(`${baseUrl()}/`)
    assert.include(await page.textContent('#now-playing'), 'Night Bus')
    broadcaster.start()
    try {
      // The page's script has subscribed once its event stream is open.
      await page.waitForFunction(() => (window as any).antenneNowPlayingReady === true, undefined, {
        timeout: 10_000,
      })
      await played(station.id, rotation.id, DateTime.utc(), 'Fresh Track', 'Live Band')
      await page.waitForFunction(
        () => document.querySelector('#now-playing')!.textContent!.includes('Fresh Track'),
        undefined,
        { timeout: 10_000 }
      )
      await screenshot(page, 'public-home-now-playing')
    } finally {
      broadcaster.stop()
    }
  })

  test("the pages' own scripts run under the Content Security Policy, a script injected into the page does not", async ({
    assert,
  }) => {
    await defaultStation()
    const response = await page.goto(`${baseUrl()}/`)
    assert.include(response!.headers()['content-security-policy'], `script-src 'self' 'nonce-`)
    await page.waitForFunction(() => (window as any).antenneNowPlayingReady === true, undefined, {
      timeout: 10_000,
    })
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.body.append(script)
      await new Promise((resolve) => setTimeout(resolve, 100))
      return (window as any).injected === true
    })
    assert.isFalse(ran)
    assert.lengthOf(violations, 1)
    assert.match(violations[0], /script-src/)
    violations = []
  })

  test('the week timetable shows the station zone’s hours', async ({ assert }) => {
    const station = await defaultStation()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Matinale',
      slug: `matinale-${++serial}`,
    }).create()
    const start = DateTime.now().setZone(ZONE).startOf('week').plus({ days: 1, hours: 7 })
    const episode = await EpisodeFactory.merge({ programId: program.id, title: 'Mardi' }).create()
    await DiffusionFactory.merge({
      episodeId: episode.id,
      start,
      end: start.plus({ hours: 2 }),
    }).create()
    await page.goto(`${baseUrl()}/week`)
    assert.include(await page.textContent('.week'), '07:00–09:00')
    await screenshot(page, 'public-week')
  })
})
