import { test } from '@japa/runner'
import { backoffDelay } from '#events/retry_backoff'
import { createHmac } from 'node:crypto'
import { FilterSyntaxError, matchesRule, parseRules, passes } from '#events/event_filter'
import { routingKey, signature, transportFor } from '#events/sink_transports'
import { defaultMessages, nowPlayingMessages, routingKeyOf } from '#events/radiovis'
import type { AntenneEvent } from '#events/event_types'

const event = (over: Partial<AntenneEvent> = {}): AntenneEvent => ({
  type: 'diffusion_started',
  station: 'nord',
  level: 'info',
  at: '2027-01-04T07:00:00.000Z',
  payload: { program: 'talk', source: 'dealer' },
  ...over,
})

test.group('Event filters (Flussonic rules)', () => {
  test('a rule is key=value1,value2 pairs; every pair must match; values are alternatives', ({
    assert,
  }) => {
    const [rule] = parseRules('event=diffusion_started,diffusion_cancelled station=nord')
    assert.isTrue(matchesRule(event(), rule))
    assert.isTrue(matchesRule(event({ type: 'diffusion_cancelled' }), rule))
    assert.isFalse(matchesRule(event({ station: 'sud' }), rule))
    assert.isFalse(matchesRule(event({ type: 'sound_on_air' }), rule))
  })

  test('payload fields filter too; a missing field never matches', ({ assert }) => {
    const [rule] = parseRules('program=talk source=dealer,live')
    assert.isTrue(matchesRule(event(), rule))
    assert.isFalse(matchesRule(event({ payload: { program: 'talk' } }), rule))
    assert.isFalse(matchesRule(event({ station: null }), parseRules('station=nord')[0]))
  })

  test('except drops; with only rules, at least one must match; no rule lets everything through', ({
    assert,
  }) => {
    const filter = (only: string, except: string, minLevel = 'debug') => ({
      minLevel,
      only: parseRules(only),
      except: parseRules(except),
    })
    assert.isTrue(passes(event(), filter('', '')))
    assert.isTrue(passes(event(), filter('event=output_down\nevent=diffusion_started', '')))
    assert.isFalse(passes(event(), filter('event=output_down\nstation=sud', '')))
    assert.isFalse(passes(event(), filter('event=diffusion_started', 'station=nord')))
    assert.isTrue(passes(event(), filter('event=diffusion_started', 'station=nord program=jazz')))
  })

  test('the minimum level drops lesser events', ({ assert }) => {
    const filter = { minLevel: 'warning', only: [], except: [] }
    assert.isFalse(passes(event({ level: 'info' }), filter))
    assert.isTrue(passes(event({ level: 'warning' }), filter))
    assert.isTrue(passes(event({ level: 'error' }), filter))
  })

  test('blank lines and comments are skipped; a malformed pair names its line', ({ assert }) => {
    assert.lengthOf(parseRules('\n# only the important ones\nlevel=error\n\n'), 1)
    assert.deepEqual(parseRules(null), [])
    assert.throws(
      () => parseRules('event=a\nstation'),
      FilterSyntaxError,
      'line 2: "station" is not key=value1,value2'
    )
    assert.throws(() => parseRules('=x'), /line 1/)
    assert.throws(() => parseRules('event='), /line 1/)
  })
})

test.group('Sink transports', () => {
  test('the signature is the hex HMAC-SHA256 of the exact body', ({ assert }) => {
    const body = JSON.stringify([event()])
    assert.equal(signature(body, 'k3y'), createHmac('sha256', 'k3y').update(body).digest('hex'))
    assert.notEqual(signature(body, 'k3y'), signature(body + ' ', 'k3y'))
  })

  test('the routing key is <station>.<event>, "_" for events of no station', ({ assert }) => {
    assert.equal(routingKey(event()), 'nord.diffusion_started')
    assert.equal(
      routingKey(event({ station: null, type: 'library_scan_finished' })),
      '_.library_scan_finished'
    )
  })

  test('an unknown scheme or a log sink without a path is refused with the forms that work', ({
    assert,
  }) => {
    assert.throws(
      () => transportFor({ url: 'ftp://x', key: null, timeoutMs: 1000 }),
      /log:\/\/, http\(s\):\/\/ or amqp:\/\//
    )
    assert.throws(() => transportFor({ url: 'log://', key: null, timeoutMs: 1000 }), /needs a path/)
  })
})

test.group('RadioVIS messages', () => {
  const station = {
    slug: 'nord',
    name: 'Radio Nord',
    radiovisTopic: '/topic/fm/ce1/c479/09580/',
    radiovisText: null,
    radiovisImage: 'https://radio.example/logo.png',
  }

  test('a track shows artist – title, with its cover, on <topic>/text and <topic>/image', ({
    assert,
  }) => {
    const messages = nowPlayingMessages(
      event({
        type: 'track_on_air',
        payload: { title: 'Night Bus', artist: 'The Relays', cover: 'abc.jpg' },
      }),
      station,
      'https://radio.example/'
    )
    assert.deepEqual(messages, [
      { destination: '/topic/fm/ce1/c479/09580/text', body: 'TEXT The Relays – Night Bus' },
      {
        destination: '/topic/fm/ce1/c479/09580/image',
        body: 'SHOW https://radio.example/covers/abc.jpg',
      },
    ])
    assert.equal(routingKeyOf(messages![0].destination), 'fm/ce1/c479/09580/text')
  })

  test('a show that starts shows program: episode, with the default slide; other events show nothing', ({
    assert,
  }) => {
    const messages = nowPlayingMessages(
      event({ payload: { program: 'Morning Talk', episode: 'Monday' } }),
      station,
      'https://radio.example'
    )
    assert.equal(messages![0].body, 'TEXT Morning Talk: Monday')
    assert.equal(messages![1].body, 'SHOW https://radio.example/logo.png')
    assert.isNull(nowPlayingMessages(event({ type: 'output_down' }), station, 'x'))
    assert.isNull(nowPlayingMessages(event(), { ...station, radiovisTopic: null }, 'x'))
  })

  test('text is one line of at most 128 characters; the default text is the station name', ({
    assert,
  }) => {
    const long = nowPlayingMessages(
      event({ type: 'sound_on_air', payload: { title: 'x'.repeat(300) + '\nnext line' } }),
      station,
      'x'
    )
    assert.lengthOf(long![0].body, 'TEXT '.length + 128)
    assert.notInclude(long![0].body, '\n')
    assert.deepEqual(defaultMessages({ ...station, radiovisImage: null }), [
      { destination: '/topic/fm/ce1/c479/09580/text', body: 'TEXT Radio Nord' },
    ])
  })
})

test.group('Sink retries', () => {
  test('retries back off doubling from the first delay, capped', ({ assert }) => {
    const policy = { first: 500, max: 30_000 }
    assert.deepEqual(
      [0, 1, 2, 3, 6, 7, 20].map((n) => backoffDelay(n, policy)),
      [500, 1000, 2000, 4000, 30_000, 30_000, 30_000]
    )
  })
})
