/*
| The kinds of sink, by URL scheme:
| - log://path            JSON lines appended to a file (relative to the app root);
| - http(s)://...         a POST of a JSON array, signed with the sink's key
|                         (see `signatureHeaders`); its options (sink_options.ts)
|                         go as query parameters, or with `args=body` in the
|                         body: {"args": {...}, "events": [...]};
| - amqp://user:pw@host/vhost?exchange=name
|                         each event published to a durable topic exchange
|                         (default "antenne.events") with routing key
|                         <station>.<event> (station "_" for none), confirmed;
|                         its options go as message headers;
| - smtp(s)://user:pw@host:port?from=...&to=...
|                         one mail per batch (mail_transport.ts).
| A transport throws on failure; the deliverer retries.
*/
import { createHash, createHmac } from 'node:crypto'
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname, isAbsolute } from 'node:path'
import amqp from 'amqplib'
import app from '@adonisjs/core/services/app'
import type { AntenneEvent } from '#events/event_types'
import { httpOptions, type SignScheme, type SinkOptions } from '#events/sink_options'
import { MailTransport } from '#events/mail_transport'
import { within } from '#services/time_limit'

export interface SinkTransport {
  send(events: AntenneEvent[]): Promise<void>
  close(): Promise<void>
}

/** The hex HMAC-SHA256 of the body: X-Signature of the default scheme, as it always was. */
export function signature(body: string, key: string): string {
  return createHmac('sha256', key).update(body).digest('hex')
}

/** Flussonic's sign_key: the hex SHA1 of the body followed by the key. */
export function sha1Signature(body: string, key: string): string {
  return createHash('sha1').update(body).update(key).digest('hex')
}

/** The hex HMAC-SHA256 of `<timestamp>.<body>`: a receiver can refuse an old (replayed) request. */
export function timestampedSignature(timestamp: number, body: string, key: string): string {
  return createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')
}

/**
 * The headers that sign a body:
 * - `sha1`: X-Signature = sha1(body + key), Flussonic's, nothing else;
 * - `hmac` (default): X-Signature = HMAC-SHA256(body) for the receivers of
 *   before, plus X-Antenne-Timestamp (unix seconds) and X-Antenne-Signature
 *   = HMAC-SHA256(`<timestamp>.<body>`), which binds the time to the body.
 */
export function signatureHeaders(
  body: string,
  key: string,
  scheme: SignScheme,
  timestamp: number
): Record<string, string> {
  if (scheme === 'sha1') return { 'x-signature': sha1Signature(body, key) }
  return {
    'x-signature': signature(body, key),
    'x-antenne-timestamp': String(timestamp),
    'x-antenne-signature': timestampedSignature(timestamp, body, key),
  }
}

export function routingKey(event: Pick<AntenneEvent, 'station' | 'type'>): string {
  return `${event.station ?? '_'}.${event.type}`
}

export class LogTransport implements SinkTransport {
  readonly path: string
  constructor(url: string) {
    const raw = decodeURIComponent(url.replace(/^log:\/\//i, ''))
    if (!raw) throw new Error('a log sink needs a path: log:///var/log/antenne/events.jsonl')
    this.path = isAbsolute(raw) ? raw : app.makePath(raw)
  }
  async send(events: AntenneEvent[]) {
    await mkdir(dirname(this.path), { recursive: true })
    await appendFile(this.path, events.map((e) => JSON.stringify(e) + '\n').join(''))
  }
  async close() {}
}

export class HttpTransport implements SinkTransport {
  readonly #options: ReturnType<typeof httpOptions>
  /** The POST's URL: the sink's, with the options as query parameters unless they go in the body. */
  readonly target: string

  constructor(
    readonly url: string,
    readonly key: string | null,
    readonly timeoutMs: number,
    options: SinkOptions = {},
    readonly clock: () => number = Date.now
  ) {
    this.#options = httpOptions(options)
    const target = new URL(url)
    if (this.#options.args === 'query')
      for (const [name, value] of Object.entries(this.#options.passed))
        target.searchParams.set(name, value)
    this.target = target.toString()
  }

  /** The exact body sent: the events, or with `args=body` the options beside them. */
  body(events: AntenneEvent[]): string {
    const { args, passed } = this.#options
    return JSON.stringify(args === 'body' ? { args: passed, events } : events)
  }

  async send(events: AntenneEvent[]) {
    const body = this.body(events)
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Antenne',
    }
    if (this.key)
      Object.assign(
        headers,
        signatureHeaders(body, this.key, this.#options.sign, Math.floor(this.clock() / 1000))
      )
    let response: Response
    try {
      response = await fetch(this.target, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      const name = (error as Error).name
      throw new Error(
        name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : `${cause?.code ?? cause?.message ?? (error as Error).message}`
      )
    }
    const text = await response.text().catch(() => '')
    if (!response.ok)
      throw new Error(`HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`)
  }
  async close() {}
}

/**
 * A confirmed publisher on one RabbitMQ topic exchange, connected on first
 * use and again after a failure: the amqp sinks and RadioVIS share it.
 */
export class AmqpPublisher {
  #connection: amqp.ChannelModel | null = null
  #channel: amqp.ConfirmChannel | null = null

  constructor(
    readonly url: string,
    readonly exchange: string,
    readonly timeoutMs: number,
    readonly connectionName = 'antenne'
  ) {}

  async #open() {
    if (this.#channel) return this.#channel
    const connection = await within(
      this.timeoutMs,
      amqp.connect(this.url, { clientProperties: { connection_name: this.connectionName } }),
      'RabbitMQ'
    )
    connection.on('error', () => {})
    connection.on('close', () => {
      this.#connection = null
      this.#channel = null
    })
    const channel = await connection.createConfirmChannel()
    channel.on('error', () => {})
    // RabbitMQ's own exchanges (amq.topic) exist and may not be declared.
    if (!this.exchange.startsWith('amq.'))
      await channel.assertExchange(this.exchange, 'topic', { durable: true })
    this.#connection = connection
    this.#channel = channel
    return channel
  }

  /** Publishes the messages and waits for the broker's confirms; a failure closes the connection and throws. */
  async publish(
    messages: Array<{ routingKey: string; body: Buffer; options?: amqp.Options.Publish }>
  ) {
    try {
      const channel = await this.#open()
      for (const m of messages) channel.publish(this.exchange, m.routingKey, m.body, m.options)
      await within(this.timeoutMs, channel.waitForConfirms(), 'RabbitMQ confirms')
    } catch (error) {
      await this.close()
      throw error
    }
  }

  async close() {
    const connection = this.#connection
    this.#connection = null
    this.#channel = null
    await connection?.close().catch(() => {})
  }
}

export class AmqpTransport implements SinkTransport {
  readonly #publisher: AmqpPublisher

  constructor(
    url: string,
    timeoutMs: number,
    readonly options: SinkOptions = {}
  ) {
    const parsed = new URL(url)
    const exchange = parsed.searchParams.get('exchange') || 'antenne.events'
    parsed.searchParams.delete('exchange')
    this.#publisher = new AmqpPublisher(parsed.toString(), exchange, timeoutMs, 'antenne events')
  }

  send(events: AntenneEvent[]) {
    return this.#publisher.publish(
      events.map((event) => ({
        routingKey: routingKey(event),
        body: Buffer.from(JSON.stringify(event)),
        options: {
          persistent: true,
          contentType: 'application/json',
          messageId: event.id === undefined ? undefined : String(event.id),
          type: event.type,
          timestamp: Math.floor(Date.parse(event.at) / 1000),
          headers: this.options,
        },
      }))
    )
  }

  close() {
    return this.#publisher.close()
  }
}

export function transportFor(sink: {
  url: string
  key: string | null
  timeoutMs: number
  options?: SinkOptions | null
}): SinkTransport {
  const scheme = sink.url.split(':', 1)[0].toLowerCase()
  const options = sink.options ?? {}
  if (scheme === 'log') return new LogTransport(sink.url)
  if (scheme === 'http' || scheme === 'https')
    return new HttpTransport(sink.url, sink.key, sink.timeoutMs, options)
  if (scheme === 'amqp' || scheme === 'amqps')
    return new AmqpTransport(sink.url, sink.timeoutMs, options)
  if (scheme === 'smtp' || scheme === 'smtps')
    return new MailTransport(sink.url, sink.timeoutMs, options)
  throw new Error(`unknown sink URL "${sink.url}": log://, http(s)://, amqp:// or smtp://`)
}

/** Why a sink's URL and options cannot make a transport (a mail sink without to=...), or null. */
export function sinkUrlProblem(sink: { url: string; options?: SinkOptions | null }): string | null {
  try {
    void transportFor({ url: sink.url, key: null, timeoutMs: 1000, options: sink.options }).close()
    return null
  } catch (error) {
    return (error as Error).message
  }
}
