import { test } from '@japa/runner'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Station from '#models/station'
import { StationFactory } from '#database/factories/programme_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { ListenerCollector, hashAddress } from '#stats/listener_collector'
import { events } from '#events/event_outbox'

const run = promisify(execFile)
const PORT = 8012
const MOUNT = '/stats.mp3'

/** A real listener of the mount, with its own user agent. */
function listen(agent: string) {
  const request = http.get(
    { host: '127.0.0.1', port: PORT, path: MOUNT, headers: { 'user-agent': agent } },
    (response) => response.resume()
  )
  request.on('error', () => {})
  return () => request.destroy()
}

async function until<T>(what: string, probe: () => Promise<T | null | false>, ms = 15_000) {
  const end = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

test.group('Listener statistics from a real Icecast', (group) => {
  let station: Station
  let source: ChildProcess

  group.setup(async () => {
    await run('bash', [app.makePath('bin/icecast'), String(PORT), 'statspw'])
    // A real source client: ffmpeg streams a tone to the mount.
    source = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '64k',
        '-content_type',
        'audio/mpeg',
        '-f',
        'mp3',
        `icecast://source:statspw@127.0.0.1:${PORT}${MOUNT}`,
      ],
      { stdio: 'ignore' }
    )
    station = await StationFactory.merge({ name: 'Stats', slug: `stats-${Date.now()}` }).create()
    await OutputFactory.merge({
      stationId: station.id,
      port: PORT,
      mount: MOUNT,
      password: 'statspw',
      adminUser: 'admin',
      adminPassword: 'statspw',
      bitrate: 64,
    }).create()
    await until('the mount', async () =>
      (await fetch(`http://127.0.0.1:${PORT}/status-json.xsl`).then((r) => r.text())).includes(
        MOUNT
      )
    )
    return async () => {
      source.kill('SIGTERM')
      await station.delete()
      await run('bash', [app.makePath('bin/icecast'), 'stop', String(PORT)])
    }
  })

  test('samples count the listeners; sessions record each with a hashed address, its user agent and duration; a peak is an event', async ({
    assert,
  }) => {
    const warnings: string[] = []
    const collector = new ListenerCollector({
      info: () => {},
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
    })
    const stopA = listen('Radio Player A/1.0')
    const stopB = listen('Radio Player B/2.0')
    await until(
      'two listeners',
      async () =>
        (await fetch(`http://127.0.0.1:${PORT}/status-json.xsl`).then((r) => r.json())).icestats
          .source?.listeners === 2
    )

    const first = await collector.collect()
    assert.deepInclude(first, { samples: 1, sessionsOpened: 2, sessionsClosed: 0, failures: 0 })
    const sample = await db.from('listener_samples').where('station_id', station.id).firstOrFail()
    assert.equal(sample.listeners, 2)
    assert.equal(sample.mount, MOUNT)
    const sessions = await db
      .from('listener_sessions')
      .where('station_id', station.id)
      .orderBy('user_agent')
    assert.deepEqual(
      sessions.map((s) => s.user_agent),
      ['Radio Player A/1.0', 'Radio Player B/2.0']
    )
    assert.isTrue(
      sessions.every((s) => s.ip_hash === hashAddress('127.0.0.1') && !s.ip_hash.includes('127'))
    )

    stopB()
    await until(
      'one listener',
      async () =>
        (await fetch(`http://127.0.0.1:${PORT}/status-json.xsl`).then((r) => r.json())).icestats
          .source?.listeners === 1
    )
    const second = await collector.collect()
    assert.deepEqual(warnings, [], warnings.join())
    assert.deepInclude(second, { samples: 1, sessionsOpened: 0, sessionsClosed: 1 })
    const ended = await db
      .from('listener_sessions')
      .where('station_id', station.id)
      .whereNotNull('ended_at')
    assert.deepEqual(
      ended.map((s) => s.user_agent),
      ['Radio Player B/2.0']
    )
    stopA()

    await events.flush()
    const peaks = await db
      .from('events')
      .where('station', station.slug)
      .where('type', 'listener_peak')
    assert.deepEqual(
      peaks.map((p) => JSON.parse(p.payload).listeners),
      [2]
    )
    assert.deepEqual(warnings, [])
  })

  test('a wrong admin password or a stopped Icecast is one warning, and the poll goes on', async ({
    assert,
  }) => {
    const warnings: string[] = []
    const collector = new ListenerCollector({
      info: () => {},
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
    })
    await db.from('outputs').where('station_id', station.id).update({ admin_password: 'wrong' })
    const report = await collector.collect()
    assert.equal(report.samples, 1)
    assert.equal(report.failures, 1)
    await collector.collect()
    assert.lengthOf(warnings, 1)
    assert.match(warnings[0], /HTTP 401/)
    await db
      .from('outputs')
      .where('station_id', station.id)
      .update({ host: '127.0.0.1', port: 8019 })
    const down = await collector.collect()
    assert.equal(down.samples, 0)
    assert.match(warnings[1], /Icecast at http:\/\/127\.0\.0\.1:8019: ECONNREFUSED/)
    await db
      .from('outputs')
      .where('station_id', station.id)
      .update({ port: PORT, admin_password: 'statspw' })
  })
})
