import { test } from '@japa/runner'
import { backoffDelay } from '#events/retry_backoff'
import { createHash, createHmac } from 'node:crypto'
import { FilterSyntaxError, matchesRule, parseRules, passes } from '#events/event_filter'
import {
  HttpTransport,
  routingKey,
  signature,
  signatureHeaders,
  sinkUrlProblem,
  transportFor,
} from '#events/sink_transports'
import {
  MAX_OPTIONS,
  SinkOptionsError,
  checkOptions,
  formatOptions,
  httpOptions,
  parseOptions,
} from '#events/sink_options'
import { mailSettings, mailSubject, mailText, payloadSummary } from '#events/mail_transport'
import { EVENT_LEVELS } from '#events/event_types'
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

  test("the minimum level drops lesser events, in Flussonic's order of seven levels", ({
    assert,
  }) => {
    assert.deepEqual(
      [...EVENT_LEVELS],
      ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert']
    )
    const taken = (minLevel: string) =>
      EVENT_LEVELS.filter((level) => passes(event({ level }), { minLevel, only: [], except: [] }))
    assert.deepEqual(taken('debug'), [...EVENT_LEVELS])
    assert.deepEqual(taken('notice'), ['notice', 'warning', 'error', 'critical', 'alert'])
    assert.deepEqual(taken('warning'), ['warning', 'error', 'critical', 'alert'])
    assert.deepEqual(taken('critical'), ['critical', 'alert'])
    assert.deepEqual(taken('alert'), ['alert'])
  })

  test("group matches when any of the event's payload.groups is listed, in only and except", ({
    assert,
  }) => {
    const overloaded = event({
      type: 'memory_usage',
      level: 'warning',
      payload: { total: 8, used: 7, groups: ['system_overloaded', 'memory'] },
    })
    const busy = event({ type: 'memory_usage', payload: { total: 8, used: 5 } })
    const filter = (only: string, except = '') => ({
      minLevel: 'debug',
      only: parseRules(only),
      except: parseRules(except),
    })
    assert.isTrue(passes(overloaded, filter('group=system_overloaded')))
    assert.isTrue(passes(overloaded, filter('group=disk,memory')))
    // No groups, or none listed: no match.
    assert.isFalse(passes(busy, filter('group=system_overloaded')))
    assert.isFalse(passes(event({ payload: { groups: [] } }), filter('group=system_overloaded')))
    assert.isFalse(passes(overloaded, filter('group=disk')))
    // Combined with other pairs, every pair must still match.
    assert.isFalse(passes(overloaded, filter('group=system_overloaded event=load_high')))
    assert.isFalse(passes(overloaded, filter('', 'group=system_overloaded')))
    assert.isTrue(passes(busy, filter('', 'group=system_overloaded')))
  })

  test("* matches any value of a field the event has (Flussonic's except media=*)", ({
    assert,
  }) => {
    const [rule] = parseRules('program=*')
    assert.isTrue(matchesRule(event(), rule))
    assert.isFalse(matchesRule(event({ payload: {} }), rule))
    assert.isFalse(matchesRule(event({ station: null }), parseRules('station=*')[0]))
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

  test('sha1 signs as Flussonic: X-Signature = sha1(body + key), and nothing else', ({
    assert,
  }) => {
    const body = JSON.stringify([event()])
    assert.deepEqual(signatureHeaders(body, 'k3y', 'sha1', 1_800_000_000), {
      'x-signature': createHash('sha1')
        .update(body + 'k3y')
        .digest('hex'),
    })
  })

  test('hmac keeps X-Signature as before and signs <timestamp>.<body> in X-Antenne-Signature', ({
    assert,
  }) => {
    const body = JSON.stringify([event()])
    const headers = signatureHeaders(body, 'k3y', 'hmac', 1_800_000_000)
    assert.equal(headers['x-signature'], signature(body, 'k3y'))
    assert.equal(headers['x-antenne-timestamp'], '1800000000')
    assert.equal(
      headers['x-antenne-signature'],
      createHmac('sha256', 'k3y').update(`1800000000.${body}`).digest('hex')
    )
    assert.notEqual(
      headers['x-antenne-signature'],
      signatureHeaders(body, 'k3y', 'hmac', 1_800_000_001)['x-antenne-signature']
    )
  })

  test('an http sink sends its options as query parameters, or with args=body beside the events', ({
    assert,
  }) => {
    const query = new HttpTransport('https://hooks.example/a?token=1', 'k', 1000, {
      channel: 'ops',
      note: 'a b&c',
      sign: 'sha1',
    })
    const url = new URL(query.target)
    assert.equal(url.searchParams.get('token'), '1')
    assert.equal(url.searchParams.get('channel'), 'ops')
    assert.equal(url.searchParams.get('note'), 'a b&c')
    assert.isFalse(url.searchParams.has('sign'))
    assert.deepEqual(JSON.parse(query.body([event()])), [event()])

    const body = new HttpTransport('https://hooks.example/a', 'k', 1000, {
      channel: 'ops',
      args: 'body',
    })
    assert.equal(body.target, 'https://hooks.example/a')
    assert.deepEqual(JSON.parse(body.body([event()])), {
      args: { channel: 'ops' },
      events: [event()],
    })
  })

  test('an unknown scheme or a log sink without a path is refused with the forms that work', ({
    assert,
  }) => {
    assert.throws(
      () => transportFor({ url: 'ftp://x', key: null, timeoutMs: 1000 }),
      /log:\/\/, http\(s\):\/\/, amqp:\/\/ or smtp:\/\//
    )
    assert.throws(() => transportFor({ url: 'log://', key: null, timeoutMs: 1000 }), /needs a path/)
    assert.match(sinkUrlProblem({ url: 'smtp://mail.example?from=a@x' })!, /needs from= and to=/)
    assert.isNull(sinkUrlProblem({ url: 'smtp://mail.example?from=a@x', options: { to: 'b@x' } }))
  })
})

test.group('Sink options', () => {
  test('key=value lines, the value the rest of the line; comments and blanks skipped; shown back as lines', ({
    assert,
  }) => {
    const options = parseOptions('# for the ops room\nchannel = ops\n\nquery=a=b c\nsign=sha1\n')
    assert.deepEqual(options, { channel: 'ops', query: 'a=b c', sign: 'sha1' })
    assert.equal(formatOptions(options), 'channel=ops\nquery=a=b c\nsign=sha1')
    assert.deepEqual(parseOptions(formatOptions(options)), options)
    assert.deepEqual(parseOptions(null), {})
    assert.deepEqual(httpOptions(options), {
      sign: 'sha1',
      args: 'query',
      passed: { channel: 'ops', query: 'a=b c' },
    })
    assert.deepEqual(httpOptions({}), { sign: 'hmac', args: 'query', passed: {} })
  })

  test('hostile options are refused with one clear error: odd names, control characters, too long, too many, unknown schemes', ({
    assert,
  }) => {
    assert.throws(
      () => parseOptions('channel'),
      SinkOptionsError,
      'line 1: "channel" is not key=value'
    )
    assert.throws(() => parseOptions('bad key=1'), /option "bad key": a name is/)
    assert.throws(() => checkOptions([['x\ny', '1']]), /option "x\?y": a name is/)
    assert.throws(
      () => checkOptions([['x', 'a\r\nX-Injected: 1']]),
      /option "x": a value is one line/
    )
    assert.throws(() => parseOptions('x=a\u0000b'), /one line/)
    assert.throws(
      () => parseOptions(`x=${'v'.repeat(1001)}`),
      /option "x": 1000 characters at most/
    )
    assert.throws(() => parseOptions(`${'k'.repeat(65)}=1`), /a name is/)
    const many = Array.from({ length: MAX_OPTIONS + 1 }, (_, i) => `k${i}=v`).join('\n')
    assert.throws(
      () => parseOptions(many),
      `at most ${MAX_OPTIONS} options, not ${MAX_OPTIONS + 1}`
    )
    assert.throws(() => parseOptions('a=1\na=2'), /"a" is given twice/)
    assert.throws(() => parseOptions('sign=md5'), /option "sign": hmac or sha1, not "md5"/)
    assert.throws(() => parseOptions('args=header'), /option "args": query or body/)
    assert.throws(() => checkOptions([['x', { nested: true }]]), /text, a number or true\/false/)
    assert.deepEqual(
      checkOptions([
        ['n', 5],
        ['on', true],
      ]),
      { n: '5', on: 'true' }
    )
  })
})

test.group('Mail sinks', () => {
  const batch = [
    event({ type: 'diffusion_started', level: 'info' }),
    event({
      type: 'streamer_crashed',
      level: 'critical',
      station: null,
      at: '2027-01-04T07:00:05.123Z',
      payload: { code: 137, signal: 'SIGKILL', log: 'x'.repeat(200) },
    }),
    event({ type: 'output_down', level: 'error', payload: {} }),
  ]

  test('the subject gives the count and the worst level; the body one line per event, UTC time first', ({
    assert,
  }) => {
    assert.equal(mailSubject('Antenne', batch), 'Antenne: 3 events, worst critical')
    assert.equal(mailSubject('Nord', batch.slice(0, 1)), 'Nord: 1 event, worst info')
    const lines = mailText(batch).trimEnd().split('\n')
    assert.equal(lines[0], 'Antenne: 3 events, worst critical.')
    assert.equal(
      lines[2],
      '2027-01-04 07:00:00 UTC  nord  info  diffusion_started  program=talk source=dealer'
    )
    assert.match(
      lines[3],
      /^2027-01-04 07:00:05 UTC {2}- {2}critical {2}streamer_crashed {2}code=137 signal=SIGKILL log=x{79}…$/
    )
    assert.equal(lines[4], '2027-01-04 07:00:00 UTC  nord  error  output_down')
    assert.lengthOf(lines, 5)
    assert.equal(payloadSummary({ note: 'two\nlines', n: [1, 2] }), 'note=two lines n=[1,2]')
  })

  test('the URL gives server, account and envelope, options fill what it lacks; from and to are required', ({
    assert,
  }) => {
    const plain = mailSettings(
      'smtp://ant%40radio:p%2Fss@mail.example:2525?from=antenne@radio.example&to=a@x,b@x&secure=starttls',
      {},
      4000
    )
    assert.deepEqual(plain.transport.auth, { user: 'ant@radio', pass: 'p/ss' })
    assert.equal(plain.transport.host, 'mail.example')
    assert.equal(plain.transport.port, 2525)
    assert.isFalse(plain.transport.secure)
    assert.isTrue(plain.transport.requireTLS)
    assert.equal(plain.transport.connectionTimeout, 4000)
    assert.deepEqual(
      [plain.from, plain.to, plain.subject],
      ['antenne@radio.example', 'a@x,b@x', 'Antenne']
    )
    const tls = mailSettings(
      'smtps://mail.example',
      { from: 'f@x', to: 't@x', subject: 'Nord' },
      1000
    )
    assert.isTrue(tls.transport.secure)
    assert.equal(tls.transport.port, 465)
    assert.isUndefined(tls.transport.auth)
    assert.equal(tls.subject, 'Nord')
    assert.throws(() => mailSettings('smtp://mail.example?to=t@x', {}, 1000), /needs from= and to=/)
    assert.throws(
      () => mailSettings('smtp://mail.example?to=t@x&from=f@x&secure=maybe', {}, 1000),
      /secure= is/
    )
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
