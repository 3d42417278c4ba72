import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import testUtils from '@adonisjs/core/services/test_utils'
import EventSink from '#models/event_sink'
import EventDelivery from '#models/event_delivery'
import { EventOutbox } from '#events/event_outbox'
import { EventDeliverer, outboxEnd } from '#events/event_deliverer'
import { loadSinksFile } from '#events/sinks_file'
import { EventSinkFactory } from '#database/factories/event_sink_factory'
import { UserFactory } from '#database/factories/user_factory'
import type { EventType } from '#events/event_types'

/** The receiver snippets of the documentation, run as they are (a plain .mjs file). */
type Verify = (body: string, headers: IncomingHttpHeaders, key: string, o?: object) => boolean
const snippets = (await import(
  new URL('../../docs/receivers/verify_antenne_signature.mjs', import.meta.url).href
)) as { verifySha1: Verify; verifyHmac: Verify }

const quiet = { info: () => {}, warn: () => {}, error: () => {} }
let serial = 0

function outbox() {
  return new EventOutbox(mkdtempSync(join(tmpdir(), 'antenne-spool-')))
}

async function emit(box: EventOutbox, station: string, events: Array<[EventType, object?]>) {
  for (const [type, payload] of events) box.emit(type, station, { ...payload })
  await box.flush()
}

async function sink(fields: Partial<EventSink> & { url: string }) {
  return EventSinkFactory.merge({
    minLevel: 'debug',
    timeoutMs: 3000,
    cursor: await outboxEnd(),
    ...fields,
  }).create()
}

interface Received {
  url: string
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A webhook that checks each request with `verify` (the snippets above) and
 * answers 401 when it fails; `clockOffset` (ms) moves its clock, to replay a
 * request later without waiting.
 */
async function receiver(verify: (r: Received, now: number) => boolean) {
  const accepted: Received[] = []
  const refused: Received[] = []
  const state = { clockOffset: 0 }
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const got = {
        url: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      const ok = verify(got, Date.now() + state.clockOffset)
      ;(ok ? accepted : refused).push(got)
      response.writeHead(ok ? 204 : 401).end(ok ? undefined : 'bad signature')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const url = `http://127.0.0.1:${port}/hook`
  /** Sends a request again, as captured (or altered), straight to the receiver. */
  const replay = async (r: Received, change: Partial<Received> = {}) => {
    const headers = { ...r.headers, ...change.headers } as Record<string, string>
    delete headers['content-length']
    delete headers.host
    delete headers.connection
    const response = await fetch(`http://127.0.0.1:${port}${change.url ?? r.url}`, {
      method: 'POST',
      headers,
      body: change.body ?? r.body,
    })
    return response.status
  }
  const close = () => new Promise((resolve) => server.close(resolve))
  return { url, accepted, refused, state, replay, close }
}

test.group('Event sinks: signatures', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('sign=sha1 sends X-Signature = sha1(body + key), Flussonic’s; the receiver’s check refuses a tampered body and a wrong key', async ({
    assert,
  }) => {
    const hook = await receiver((r) => snippets.verifySha1(r.body, r.headers, 'flu-key'))
    const deliverer = new EventDeliverer(quiet)
    try {
      const signed = await sink({ url: hook.url, key: 'flu-key', options: { sign: 'sha1' } })
      const slug = `st-${++serial}`
      await emit(outbox(), slug, [['diffusion_started'], ['dead_air']])
      assert.equal((await deliverer.deliverAll()).get(signed.name), 'delivered')
      assert.lengthOf(hook.accepted, 1)
      const [request] = hook.accepted
      assert.deepEqual(
        JSON.parse(request.body).map((e: { type: string }) => e.type),
        ['diffusion_started', 'dead_air']
      )
      // Flussonic's scheme alone: no timestamp.
      assert.isUndefined(request.headers['x-antenne-timestamp'])
      assert.isUndefined(request.headers['x-antenne-signature'])

      // The same body, one event changed on the way: refused. Untouched: accepted.
      const tampered = request.body.replace('"dead_air"', '"output_up"')
      assert.notEqual(tampered, request.body)
      assert.equal(await hook.replay(request, { body: tampered }), 401)
      assert.equal(await hook.replay(request), 204)

      // A sink signing with another key is refused, retried, and loses nothing.
      const wrong = await sink({
        url: hook.url,
        key: 'not-the-key',
        options: { sign: 'sha1' },
        cursor: signed.cursor,
      })
      const now = DateTime.utc()
      assert.equal(await deliverer.deliverSink(await EventSink.findOrFail(wrong.id), now), 'retry')
      const after = await EventSink.findOrFail(wrong.id)
      assert.include(after.lastError!, 'HTTP 401')
      assert.equal(after.cursor, signed.cursor)
    } finally {
      await deliverer.stop()
      await hook.close()
    }
  })

  test('by default X-Signature stays the HMAC of the body and X-Antenne-Signature binds X-Antenne-Timestamp: a replay ten minutes later or a forged timestamp is refused', async ({
    assert,
  }) => {
    const hook = await receiver((r, now) =>
      snippets.verifyHmac(r.body, r.headers, 'hm4c', { now, toleranceSeconds: 300 })
    )
    const deliverer = new EventDeliverer(quiet)
    try {
      const signed = await sink({ url: hook.url, key: 'hm4c' })
      await emit(outbox(), `st-${++serial}`, [['output_down']])
      const before = Math.floor(Date.now() / 1000)
      assert.equal((await deliverer.deliverAll()).get(signed.name), 'delivered')
      assert.lengthOf(hook.accepted, 1)
      const [request] = hook.accepted
      const timestamp = Number(request.headers['x-antenne-timestamp'])
      assert.isAtLeast(timestamp, before)
      assert.isAtMost(timestamp, Math.floor(Date.now() / 1000))
      // Receivers of before check X-Signature alone: it is unchanged.
      assert.equal(
        request.headers['x-signature'],
        createHmac('sha256', 'hm4c').update(request.body).digest('hex')
      )

      // Replayed at once: still within the tolerance.
      assert.equal(await hook.replay(request), 204)
      // Replayed ten minutes later: refused.
      hook.state.clockOffset = 10 * 60_000
      assert.equal(await hook.replay(request), 401)
      // A fresh timestamp without the key to sign it: refused.
      assert.equal(
        await hook.replay(request, {
          headers: { 'x-antenne-timestamp': String(timestamp + 600) },
        }),
        401
      )
      hook.state.clockOffset = 0
      // The right timestamp on another body: refused.
      assert.equal(
        await hook.replay(request, { body: request.body.replace('output_down', 'output_up') }),
        401
      )
    } finally {
      await deliverer.stop()
      await hook.close()
    }
  })
})

test.group('Event sinks: options passed on', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a webhook gets its sink’s options as query parameters, or with args=body in the body beside the events; sign and args stay Antenne’s', async ({
    assert,
  }) => {
    const hook = await receiver((r) => snippets.verifyHmac(r.body, r.headers, 'k'))
    const deliverer = new EventDeliverer(quiet)
    try {
      const query = await sink({
        url: `${hook.url}?token=abc`,
        key: 'k',
        options: { 'channel': 'ops room', 'station.id': 'a&b=c', 'sign': 'hmac' },
      })
      const body = await sink({
        url: hook.url,
        key: 'k',
        options: { channel: 'ops room', args: 'body' },
      })
      await emit(outbox(), `st-${++serial}`, [['output_down']])
      const outcomes = await deliverer.deliverAll()
      assert.equal(outcomes.get(query.name), 'delivered')
      assert.equal(outcomes.get(body.name), 'delivered')
      assert.lengthOf(hook.refused, 0)
      const byQuery = hook.accepted.find((r) => r.url.includes('?'))!
      const params = new URL(byQuery.url, 'http://x').searchParams
      assert.deepEqual(Object.fromEntries(params), {
        'token': 'abc',
        'channel': 'ops room',
        'station.id': 'a&b=c',
      })
      assert.equal(JSON.parse(byQuery.body)[0].type, 'output_down')

      const inBody = hook.accepted.find((r) => !r.url.includes('?'))!
      const parsed = JSON.parse(inBody.body)
      assert.deepEqual(parsed.args, { channel: 'ops room' })
      assert.deepEqual(
        parsed.events.map((e: { type: string }) => e.type),
        ['output_down']
      )
    } finally {
      await deliverer.stop()
      await hook.close()
    }
  })
})

test.group('Event sinks: levels and groups', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a sink takes its minimum level and above, among the seven; only group=... takes the events of that group', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-levels-'))
    const slug = `st-${++serial}`
    const sinks = {
      notice: await sink({ url: `log://${join(dir, 'notice.jsonl')}`, minLevel: 'notice' }),
      critical: await sink({ url: `log://${join(dir, 'critical.jsonl')}`, minLevel: 'critical' }),
      overloaded: await sink({
        url: `log://${join(dir, 'overloaded.jsonl')}`,
        only: 'group=system_overloaded',
      }),
      calm: await sink({
        url: `log://${join(dir, 'calm.jsonl')}`,
        only: `station=${slug}`,
        except: 'group=system_overloaded',
      }),
    }
    await emit(outbox(), slug, [
      ['diffusion_started'], // info
      ['live_connected'], // notice
      ['memory_usage', { used: 60, total: 100 }], // warning
      ['memory_usage', { used: 85, total: 100, groups: ['system_overloaded'] }],
      ['output_down'], // error
      ['streamer_crashed'], // critical
      ['dead_air'], // alert
    ])
    const deliverer = new EventDeliverer(quiet)
    await deliverer.deliverAll()
    await deliverer.stop()
    const read = (sinkName: keyof typeof sinks) =>
      readFileSync(join(dir, `${sinkName}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .map((e) => `${e.type}:${e.level}${e.payload.groups ? '+' : ''}`)
    assert.deepEqual(read('notice'), [
      'live_connected:notice',
      'memory_usage:warning',
      'memory_usage:warning+',
      'output_down:error',
      'streamer_crashed:critical',
      'dead_air:alert',
    ])
    assert.deepEqual(read('critical'), ['streamer_crashed:critical', 'dead_air:alert'])
    assert.deepEqual(read('overloaded'), ['memory_usage:warning+'])
    assert.notInclude(read('calm'), 'memory_usage:warning+')
    assert.include(read('calm'), 'memory_usage:warning')
    assert.lengthOf(read('calm'), 6)
  })
})

/** An SMTP server with one account, on a free port: it keeps each message and its envelope. */
async function smtpServer(user: string, pass: string) {
  const messages: Array<{ from: string; to: string[]; raw: string }> = []
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) callback(null, { user })
      else callback(new Error('Invalid username or password'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const from = session.envelope.mailFrom
        messages.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as { port: number }).port
  return {
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A message's headers (unfolded) and its text, decoded from quoted-printable or base64. */
function readMail(raw: string) {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const header = (name: string) =>
    head
      .split('\r\n')
      .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim() ?? null
  let text = raw.slice(split + 4)
  const encoding = (header('content-transfer-encoding') ?? '').toLowerCase()
  if (encoding === 'quoted-printable')
    text = Buffer.from(
      text
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16))),
      'latin1'
    ).toString('utf8')
  else if (encoding === 'base64') text = Buffer.from(text, 'base64').toString('utf8')
  return { header, text: text.replace(/\r\n/g, '\n') }
}

test.group('Event sinks: mail', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a mail sink sends a batch as one message listing every event, from and to as its URL says', async ({
    assert,
  }) => {
    const smtp = await smtpServer('antenne', 's3cret')
    const deliverer = new EventDeliverer(quiet)
    try {
      const mail = await sink({
        url: `smtp://antenne:s3cret@127.0.0.1:${smtp.port}?from=antenne@radio.example&to=ops@radio.example,chief@radio.example&secure=false`,
        options: { subject: 'Radio Nord' },
      })
      const slug = `st-${++serial}`
      await emit(outbox(), slug, [
        ['diffusion_started', { program: 'Morning Talk' }],
        ['streamer_crashed', { code: 137 }],
        ['output_down', { mount: '/nord.mp3' }],
      ])
      assert.equal((await deliverer.deliverAll()).get(mail.name), 'delivered')
      assert.lengthOf(smtp.messages, 1)
      const [message] = smtp.messages
      assert.equal(message.from, 'antenne@radio.example')
      assert.deepEqual(message.to, ['ops@radio.example', 'chief@radio.example'])
      const { header, text } = readMail(message.raw)
      assert.equal(header('from'), 'antenne@radio.example')
      assert.equal(header('to'), 'ops@radio.example, chief@radio.example')
      assert.equal(header('subject'), 'Radio Nord: 3 events, worst critical')
      const lines = text.trim().split('\n').slice(2)
      assert.lengthOf(lines, 3)
      assert.match(
        lines[0],
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC  ${slug}  info  diffusion_started  program=Morning Talk$`
        )
      )
      assert.match(lines[1], new RegExp(`UTC  ${slug}  critical  streamer_crashed  code=137$`))
      assert.match(lines[2], new RegExp(`UTC  ${slug}  error  output_down  mount=/nord.mp3$`))
      const delivery = await EventDelivery.query().where('sink_id', mail.id).firstOrFail()
      assert.equal(delivery.status, 'delivered')
      assert.equal(delivery.count, 3)
    } finally {
      await deliverer.stop()
      await smtp.close()
    }
  })

  test('a mail sink refused by the server (wrong password) retries with the error recorded, and loses nothing once right', async ({
    assert,
  }) => {
    const smtp = await smtpServer('antenne', 's3cret')
    const deliverer = new EventDeliverer(quiet)
    try {
      const query = 'from=antenne@radio.example&to=ops@radio.example&secure=false'
      const mail = await sink({
        url: `smtp://antenne:wrong@127.0.0.1:${smtp.port}?${query}`,
      })
      const slug = `st-${++serial}`
      await emit(outbox(), slug, [['output_down'], ['dead_air']])
      let now = DateTime.utc()
      assert.equal(await deliverer.deliverSink(await EventSink.findOrFail(mail.id), now), 'retry')
      const down = await EventSink.findOrFail(mail.id)
      assert.match(down.lastError!, /Invalid login|535/)
      assert.equal(down.attempts, 1)
      assert.equal(down.cursor, mail.cursor)
      const retry = await EventDelivery.query().where('sink_id', mail.id).firstOrFail()
      assert.equal(retry.status, 'retry')
      assert.match(retry.detail!, /Invalid login|535/)
      assert.lengthOf(smtp.messages, 0)

      // The password is corrected: the same events go, in one message.
      await down.merge({ url: `smtp://antenne:s3cret@127.0.0.1:${smtp.port}?${query}` }).save()
      now = now.plus({ minutes: 5 })
      assert.equal(
        await deliverer.deliverSink(await EventSink.findOrFail(mail.id), now),
        'delivered'
      )
      assert.lengthOf(smtp.messages, 1)
      const { header, text } = readMail(smtp.messages[0].raw)
      assert.equal(header('subject'), 'Antenne: 2 events, worst alert')
      assert.include(text, 'output_down')
      assert.include(text, 'dead_air')
      assert.equal((await EventSink.findOrFail(mail.id)).cursor, await outboxEnd())
    } finally {
      await deliverer.stop()
      await smtp.close()
    }
  })
})

test.group('Event sinks: the CMS and the sinks file', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  const form = (over: Record<string, string>) => ({
    name: `cms-${++serial}`,
    url: 'https://hooks.example/antenne',
    key: 'k',
    minLevel: 'alert',
    timeoutMs: '5000',
    maxAttempts: '50',
    batchSize: '100',
    active: 'on',
    ...over,
  })

  test('an admin sets a sink’s options as key=value lines and any of the seven levels; hostile options get one clear error', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const post = (fields: Record<string, string>) =>
      client
        .post('/staff/events/sinks')
        .form(form(fields))
        .withCsrfToken()
        .loginAs(admin)
        .header('referer', '/staff/events/sinks/create')
        .redirects(0)
    const errors = async (fields: Record<string, string>) =>
      ((await post(fields)).flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>

    const many = Array.from({ length: 33 }, (_, i) => `k${i}=v`).join('\n')
    assert.include((await errors({ options: many })).options[0], 'at most 32 options, not 33')
    assert.include(
      (await errors({ options: `note=${'x'.repeat(1001)}` })).options[0],
      'option "note": 1000 characters at most'
    )
    assert.include(
      (await errors({ options: 'x-y: 1\nbad key=1' })).options[0],
      'line 1: "x-y: 1" is not key=value'
    )
    assert.include((await errors({ options: 'sign=md5' })).options[0], 'hmac or sha1')
    assert.include(
      (await errors({ url: 'smtp://mail.example?from=a@radio.example' })).url[0],
      'needs from= and to='
    )

    const name = `ops-${++serial}`
    ;(await post({ name, options: 'sign=sha1\nchannel=ops room\n# a note\n' })).assertStatus(302)
    const saved = await EventSink.findByOrFail('name', name)
    assert.deepEqual(saved.options, { sign: 'sha1', channel: 'ops room' })
    assert.equal(saved.minLevel, 'alert')
    const page = (await client.get(`/staff/events/sinks/${saved.id}`).loginAs(admin)).text()
    assert.include(page, 'sign=sha1\nchannel=ops room</textarea>')
    for (const level of ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert'])
      assert.include(page, `<option value="${level}"`)
    assert.include(page, '<option value="alert" selected>')

    // Updating with no options clears them.
    await client
      .post(`/staff/events/sinks/${saved.id}`)
      .form(form({ name, minLevel: 'notice', options: '' }))
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    const updated = await EventSink.findOrFail(saved.id)
    assert.deepEqual(updated.options, {})
    assert.equal(updated.minLevel, 'notice')
  })

  test('the sinks file takes the seven levels, options and mail sinks; a hostile option is refused by name', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-sinks-'))
    const path = join(dir, 'sinks.json')
    const name = `file-${++serial}`
    const write = (sinks: object[]) => writeFileSync(path, JSON.stringify(sinks))
    write([
      {
        name,
        url: 'https://hooks.example/antenne',
        key: 'k',
        level: 'critical',
        only: ['group=system_overloaded'],
        options: { sign: 'sha1', channel: 'ops', retries: 3 },
      },
      {
        name: `${name}-mail`,
        url: 'smtp://antenne:pw@mail.example:587?from=antenne@radio.example',
        level: 'notice',
        options: { to: 'ops@radio.example' },
      },
    ])
    assert.deepEqual(await loadSinksFile(path), { loaded: 2, deactivated: 0 })
    const hook = await EventSink.findByOrFail('name', name)
    assert.equal(hook.minLevel, 'critical')
    assert.deepEqual(hook.options, { sign: 'sha1', channel: 'ops', retries: '3' })
    assert.equal((await EventSink.findByOrFail('name', `${name}-mail`)).minLevel, 'notice')

    write([{ name: 'x', url: 'log://x', options: { 'a\nb': '1' } }])
    await assert.rejects(() => loadSinksFile(path), /sink 0 \("x"\): option "a\?b": a name is/)
    write([{ name: 'x', url: 'log://x', options: { note: 'line\r\nX-Evil: 1' } }])
    await assert.rejects(() => loadSinksFile(path), /option "note": a value is one line/)
    write([{ name: 'x', url: 'smtp://mail.example?from=a@radio.example' }])
    await assert.rejects(
      () => loadSinksFile(path),
      /sink 0 \("x"\): a mail sink needs from= and to=/
    )
    write([{ name: 'x', url: 'log://x', level: 'emergency' }])
    await assert.rejects(() => loadSinksFile(path), /0\.level/)
  })
})
