/// <reference lib="dom" />
/*
| The site's player in Chromium, against a real Liquidsoap and Icecast: each
| of the station's streams (MP3, Ogg Vorbis, Opus) plays on through two
| track changes and the titles pushed between them, and the line beside the
| player follows what is on air.
*/
import { test } from '@japa/runner'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import app from '@adonisjs/core/services/app'
import type Station from '#models/station'
import {
  ProgramFactory,
  StationFactory,
  StreamFactory,
} from '#database/factories/programme_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { makeMusic } from '#demo/demo_audio'
import {
  mountsOnAir,
  startIcecast,
  startOnAir,
  waitFor,
  type OnAirStack,
} from '#tests/on_air_stack'
import { launchChromium } from '#tests/browser/chromium'
import { freePort, startWebServer, type WebServer } from '#tests/web_server'

const ICECAST_PORT = 8018
/** Seconds of each rotation song: two changes fit in a short listen. */
const SONG = 4
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

test.group('The player in Chromium, on a real stream', (group) => {
  const dir = app.makePath('tmp/test/player')
  let browser: Browser
  let web: WebServer
  let station: Station
  let stack: OnAirStack
  /** The request ids seen on air, in order: each new one is a track change. */
  const onAir: string[] = []

  group.setup(async () => {
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    await startIcecast(ICECAST_PORT, 'playerpw')
    station = await StationFactory.merge({
      name: 'Lecteur',
      slug: `player-${process.pid}`,
      path: join(dir, 'station'),
      hosts: '127.0.0.1',
    }).create()
    for (const [mount, format] of [
      ['/player.mp3', 'mp3'],
      ['/player.ogg', 'ogg'],
      ['/player.opus', 'opus'],
    ] as const)
      await OutputFactory.merge({
        stationId: station.id,
        port: ICECAST_PORT,
        mount,
        format,
        bitrate: 64,
        password: 'playerpw',
      }).create()
    const rotation = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Rotation',
      slug: 'rotation',
    }).create()
    await StreamFactory.merge({ programId: rotation.id }).create()
    for (const seed of [1, 2, 3]) {
      const path = await makeMusic(join(dir, `song${seed}.mp3`), SONG, seed, {
        title: `Chanson ${seed}`,
        artist: 'Test',
      })
      const sound = await SoundFactory.apply('public')
        .merge({
          programId: rotation.id,
          name: `song${seed}.mp3`,
          path,
          duration: SONG,
          isGoodQuality: true,
        })
        .create()
      // A title pushed mid-song too: a new Ogg stream for Vorbis, nothing for Opus.
      await TrackFactory.merge({
        soundId: sound.id,
        position: 0,
        timestamp: 2,
        title: `Morceau ${seed}`,
        artist: 'Éole',
      }).create()
    }
    stack = await startOnAir(station, ICECAST_PORT, quiet, (monitor) => {
      const rid = monitor.lastStatus?.rid
      if (rid && rid !== onAir.at(-1)) onAir.push(rid)
    })
    web = await startWebServer(await freePort())
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required'])

    return async () => {
      await browser.close()
      await web.stop()
      await stack.stop()
      await station.delete()
    }
  })

  test('MP3, Ogg Vorbis and Opus each play on through two track changes, and the line beside follows', async ({
    assert,
  }) => {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${web.port}/programs`)
    const sources = await page.$$eval('#player source', (elements) =>
      elements.map((e) => ({
        src: (e as HTMLSourceElement).src,
        type: (e as HTMLSourceElement).type,
      }))
    )
    assert.deepEqual(
      sources.map((s) => new URL(s.src).pathname),
      ['/player.opus', '/player.ogg', '/player.mp3']
    )
    for (const source of sources)
      assert.notEqual(
        await page.evaluate(
          (type) => document.createElement('audio').canPlayType(type),
          source.type
        ),
        '',
        source.type
      )
    await waitFor(
      'the three mounts on air',
      () => mountsOnAir(ICECAST_PORT, ['/player.mp3', '/player.ogg', '/player.opus']),
      30_000
    )

    // The player as rendered plays the first source it can (Opus); the other two play beside it.
    const changesBefore = onAir.length
    const listened = await page.evaluate(async (seconds) => {
      const player = document.getElementById('player') as HTMLAudioElement
      const others = Array.from(player.querySelectorAll('source'))
        .slice(1)
        .map((s) => new Audio(s.src))
      const results = await Promise.all(
        [player, ...others].map(async (audio) => {
          let ended = 0
          let errors = 0
          let startedAt: number | null = null
          audio.addEventListener('ended', () => ended++)
          audio.addEventListener('error', () => errors++)
          audio.addEventListener('playing', () => (startedAt ??= audio.currentTime), { once: true })
          await audio.play()
          await new Promise((r) => setTimeout(r, seconds * 1000))
          return {
            src: audio.currentSrc,
            played: audio.currentTime - (startedAt ?? audio.currentTime),
            ended,
            errors,
            paused: audio.paused,
          }
        })
      )
      return results
    }, SONG * 3)
    const changes = onAir.length - changesBefore
    assert.isAtLeast(changes, 2, `track changes while listening: ${onAir.join(' ')}`)
    assert.deepEqual(
      listened.map((l) => new URL(l.src).pathname),
      ['/player.opus', '/player.ogg', '/player.mp3']
    )
    for (const result of listened) {
      assert.deepInclude(result, { ended: 0, errors: 0, paused: false }, JSON.stringify(result))
      // Still playing after the changes: it did not stop at the first one.
      assert.isAbove(result.played, SONG * 2, JSON.stringify(result))
    }
    // Pushed by the web server as the monitor logs (its now-playing line).
    await page.waitForFunction(
      () => /Morceau \d/.test(document.getElementById('player-now')!.textContent ?? ''),
      undefined,
      { timeout: 20_000 }
    )
    await page.close()
  })
})
