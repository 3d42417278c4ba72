/*
| Where a RadioVIS server gets its messages from:
| - the message log in the database, which it tails (every `pollInterval`
|   without a broker; every second with one, so that a message RabbitMQ
|   lost still arrives): a single-host install needs no broker;
| - RabbitMQ: a queue of its own on the topic exchange, so that any number
|   of servers run side by side on one broker.
| Both may hand the same message over: the server keeps the newest per topic
| by log id, and sends nothing twice.
*/
import amqp from 'amqplib'
import RadiovisMessage from '#models/radiovis_message'
import { latestMessages, logged, type LoggedMessage } from '#radiovis/vis_producer'
import type { Logger } from '#types/logger'

type Sink = (messages: LoggedMessage[]) => void

export class LogTail {
  #cursor = 0
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #stopped = false
  #failing = false

  constructor(
    readonly sink: Sink,
    readonly interval: number,
    readonly logger: Logger,
    /** True while this process writes the log itself (and hands its messages over directly). */
    readonly writing: () => boolean = () => false
  ) {}

  /** Each topic's last message (what new subscribers get at once), then the tail. */
  async start() {
    const latest = await latestMessages()
    this.sink(latest.map(logged))
    this.#cursor = latest.reduce((max, m) => Math.max(max, m.id), 0)
    const loop = async () => {
      if (this.#stopped) return
      this.#running = this.poll()
      await this.#running
      if (!this.#stopped) this.#timer = setTimeout(loop, this.interval)
    }
    this.#timer = setTimeout(loop, this.interval)
  }

  async poll() {
    if (this.writing()) return
    try {
      const rows = await RadiovisMessage.query()
        .withScopes((s) => s.afterId(this.#cursor))
        .limit(1000)
      if (rows.length) {
        this.#cursor = rows[rows.length - 1].id
        this.sink(rows.map(logged))
      }
      if (this.#failing) this.logger.info('radiovis: the message log answers again')
      this.#failing = false
    } catch (error) {
      if (!this.#failing)
        this.logger.warn(`radiovis: message log: ${(error as Error).message}; retrying`)
      this.#failing = true
    }
  }

  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.#running
  }
}

/** A message as the producer published it (vis_producer.ts #publish). */
export function fromBroker(msg: amqp.ConsumeMessage): LoggedMessage | null {
  const h = msg.properties.headers ?? {}
  const id = Number(msg.properties.messageId)
  if (!Number.isSafeInteger(id) || typeof h.topic !== 'string' || typeof h.station !== 'string')
    return null
  return {
    id,
    station: h.station,
    topic: h.topic,
    body: msg.content.toString('utf8'),
    link: typeof h.link === 'string' && h.link ? h.link : null,
    eventId: typeof h.event_id === 'number' ? h.event_id : null,
    fallback: h.fallback === true,
    sentAt: Number(h.sent_at) || Date.now(),
  }
}

export class BrokerFeed {
  #connection: amqp.ChannelModel | null = null
  #stopped = false
  #retry: NodeJS.Timeout | null = null
  #down = false
  #delay = 500

  constructor(
    readonly url: string,
    readonly exchange: string,
    readonly sink: Sink,
    readonly logger: Logger
  ) {}

  /** Connects, and keeps connecting after any failure (the log tail covers the gap). */
  async start() {
    await this.#connect()
  }

  async #connect() {
    if (this.#stopped) return
    try {
      const connection = await amqp.connect(this.url, {
        clientProperties: { connection_name: 'antenne radiovis:serve' },
        timeout: 5000,
      })
      connection.on('error', () => {})
      connection.on('close', () => {
        this.#connection = null
        if (!this.#stopped) this.#lost('connection closed')
      })
      const channel = await connection.createChannel()
      channel.on('error', () => {})
      if (!this.exchange.startsWith('amq.'))
        await channel.assertExchange(this.exchange, 'topic', { durable: true })
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true })
      await channel.bindQueue(queue, this.exchange, '#')
      await channel.consume(
        queue,
        (msg) => {
          if (!msg) return
          const message = fromBroker(msg)
          if (message) this.sink([message])
        },
        { noAck: true }
      )
      this.#connection = connection
      this.#delay = 500
      if (this.#down) this.logger.info('radiovis: RabbitMQ answers again')
      else this.logger.info(`radiovis: receiving from RabbitMQ (${this.exchange})`)
      this.#down = false
    } catch (error) {
      this.#lost((error as Error).message)
    }
  }

  #lost(reason: string) {
    if (!this.#down) this.logger.warn(`radiovis: RabbitMQ: ${reason}; reconnecting`)
    this.#down = true
    if (this.#stopped || this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = null
      void this.#connect()
    }, this.#delay)
    this.#delay = Math.min(this.#delay * 2, 10_000)
  }

  async stop() {
    this.#stopped = true
    if (this.#retry) clearTimeout(this.#retry)
    await this.#connection?.close().catch(() => {})
  }
}
