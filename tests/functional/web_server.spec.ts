import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type Station from '#models/station'
import { StationFactory } from '#database/factories/programme_factories'
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

test.group('The web server process and its event streams', (group) => {
  // The server runs in its own process: what it reads is committed here, and deleted after.
  let station: Station
  const servers: WebServer[] = []
  group.each.setup(async () => {
    station = await StationFactory.merge({
      slug: `sse-${process.pid}-${++serial}`,
      name: 'SSE Radio',
    }).create()
    return async () => {
      for (const server of servers.splice(0)) await server.stop()
      await station.delete()
    }
  })

  test('sent SIGTERM with a subscribed stream open, it ends the stream and exits within 5 s; the next server pushes to a client that subscribes again', async ({
    assert,
  }) => {
    const port = await freePort()
    const channel = NowPlayingBroadcaster.channel(station.slug)
    const first = await startWebServer(port)
    servers.push(first)
    const uid = `listener-${Date.now()}`
    const stream = await openEventStream(port, uid)
    await subscribe(port, uid, channel)
    // Logged once subscribed: a loaded machine may subscribe after the broadcaster's first check.
    await LogFactory.merge({
      stationId: station.id,
      date: DateTime.utc(),
      source: 'rotation',
      comment: 'Before The Restart',
    }).create()
    await within(
      10_000,
      'the first push',
      stream.next((m) => m.channel === channel && m.payload.track?.title === 'Before The Restart')
    )

    const sent = performance.now()
    first.child.kill('SIGTERM')
    const exit = await within(10_000, 'the exit after SIGTERM', first.exited)
    assert.isBelow(exit.at - sent, 5000, `exited ${Math.round(exit.at - sent)} ms after SIGTERM`)
    assert.equal(exit.code, 0, first.output())
    assert.equal(await within(1000, 'the end of the stream', stream.closed), 'end')

    // Meanwhile the streamer logs on: the next server starts with it.
    await LogFactory.merge({
      stationId: station.id,
      date: DateTime.utc(),
      source: 'rotation',
      comment: 'While Away',
    }).create()
    const second = await startWebServer(port)
    servers.push(second)
    const again = `listener-${Date.now()}-again`
    const back = await openEventStream(port, again)
    await subscribe(port, again, channel)
    await LogFactory.merge({
      stationId: station.id,
      date: DateTime.utc().plus({ seconds: 1 }),
      source: 'rotation',
      comment: 'After The Restart',
    }).create()
    const pushed = await within(
      10_000,
      'a push from the next server',
      back.next((m) => m.channel === channel && m.payload.track?.title === 'After The Restart')
    )
    assert.equal(pushed.payload.station, station.slug)
    back.close()
  })

  test('with no stream open it exits as soon too', async ({ assert }) => {
    const server = await startWebServer(await freePort())
    servers.push(server)
    const sent = performance.now()
    server.child.kill('SIGTERM')
    const exit = await within(10_000, 'the exit after SIGTERM', server.exited)
    assert.isBelow(exit.at - sent, 5000)
    assert.equal(exit.code, 0, server.output())
  })
})
