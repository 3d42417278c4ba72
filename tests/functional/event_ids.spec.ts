/*
| Now playing's server-sent events carry ids (app/on_air/event_ledger.ts):
| one per broadcast, the same for every listener, increasing; a stream that
| subscribes is sent the latest state, unless its `Last-Event-ID` says it
| has it. Through the real web
| server and a plain HTTP client of the stream (the browser's EventSource is
| in tests/browser/cross_origin.spec.ts).
*/
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
  type EventStream,
  type WebServer,
} from '#tests/web_server'
import { within } from '#tests/helpers'

let serial = 0

test.group('Event ids of the now-playing push', (group) => {
  // The server runs in its own process: what it reads is committed here, and deleted after.
  let station: Station
  let server: WebServer
  const streams: EventStream[] = []
  group.each.setup(async () => {
    station = await StationFactory.merge({
      slug: `ids-${process.pid}-${++serial}`,
      name: 'Ids Radio',
    }).create()
    return async () => {
      for (const stream of streams.splice(0)) stream.close()
      await server?.stop()
      await station.delete()
    }
  })

  test('each push has an id, the same for every listener and larger than the last; a new stream or one back with an older id is sent the latest state on subscribing, one back with the latest is not', async ({
    assert,
  }) => {
    const channel = NowPlayingBroadcaster.channel(station.slug)
    const port = await freePort()
    server = await startWebServer(port)
    const log = (comment: string, seconds: number) =>
      LogFactory.merge({
        stationId: station.id,
        date: DateTime.utc().plus({ seconds }),
        source: 'rotation',
        comment,
      }).create()
    const listen = async (uid: string, headers: Record<string, string> = {}) => {
      const stream = await openEventStream(port, uid, headers)
      streams.push(stream)
      await subscribe(port, uid, channel)
      return stream
    }
    /** The id of the push whose track is `title`, as `stream` received it. */
    const pushed = async (stream: EventStream, title: string) => {
      const message = await within(
        10_000,
        `the push of "${title}"`,
        stream.next((m) => m.channel === channel && m.payload.track?.title === title)
      )
      return stream.ids[stream.messages.indexOf(message)]
    }

    const a = await listen(`a-${Date.now()}`)
    const b = await listen(`b-${Date.now()}`)
    await log('One', 0)
    const one = await pushed(a, 'One')
    assert.match(String(one), /^\d+$/)
    assert.equal(await pushed(b, 'One'), one, 'one id per broadcast, not per listener')
    await log('Two', 1)
    const two = await pushed(a, 'Two')
    assert.isAbove(Number(two), Number(one))
    assert.equal(await pushed(b, 'Two'), two)

    // Back after missing "Two": sent it on subscribing, with its id, though nothing new was logged.
    const late = await listen(`late-${Date.now()}`, { 'Last-Event-ID': one! })
    assert.equal(await pushed(late, 'Two'), two)
    // A new stream (no Last-Event-ID) is told the state at once too.
    const fresh = await listen(`fresh-${Date.now()}`)
    assert.equal(await pushed(fresh, 'Two'), two)
    // Back with an id of an earlier server process (smaller than any of this one): the same.
    const older = await listen(`older-${Date.now()}`, { 'Last-Event-ID': '17' })
    assert.equal(await pushed(older, 'Two'), two)

    // Back having missed nothing: the next push is the first thing it hears.
    const current = await listen(`current-${Date.now()}`, { 'Last-Event-ID': two! })
    await log('Three', 2)
    const three = await pushed(current, 'Three')
    assert.isAbove(Number(three), Number(two))
    assert.deepEqual(
      current.messages.filter((m) => m.channel === channel).map((m) => m.payload.track?.title),
      ['Three']
    )
    assert.equal(await pushed(a, 'Three'), three)
  }).timeout(60_000)
})
