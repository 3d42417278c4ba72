/*
| One `radiovis:serve` process: the STOMP server, what feeds it (RabbitMQ
| and the message log, or the log alone), the producer (which runs here
| only while this process holds the lease), and the row that tells the CMS
| and `doctor` this server is up and how many receivers it has.
*/
import { hostname } from 'node:os'
import { DateTime } from 'luxon'
import RadiovisServer from '#models/radiovis_server'
import { StompServer } from '#radiovis/stomp_server'
import { BrokerFeed, LogTail } from '#radiovis/message_sources'
import { VisProducer } from '#radiovis/vis_producer'
import type { Logger } from '#types/logger'

export interface RadioVisServiceOptions {
  host: string
  port: number
  url: string | null
  exchange: string
  fallbackAfter: number
  pollInterval: number
  logMaxAge: number
  logCleanup: number
  publicUrl: string
  logger: Logger
  heartbeat?: { send: number; expect: number }
}

const REPORT_MS = 5000

export class RadioVisService {
  readonly name = `${hostname()}:${process.pid}`
  readonly server: StompServer
  readonly producer: VisProducer
  readonly #tail: LogTail
  readonly #broker: BrokerFeed | null
  readonly #options: RadioVisServiceOptions
  #report: NodeJS.Timeout | null = null
  #listen = ''
  readonly #startedAt = DateTime.utc()

  constructor(options: RadioVisServiceOptions) {
    this.#options = options
    this.server = new StompServer({
      host: options.host,
      port: options.port,
      logger: options.logger,
      heartbeat: options.heartbeat,
    })
    const sink = (messages: Parameters<StompServer['publish']>[0]) => this.server.publish(messages)
    this.producer = new VisProducer({ ...options, onMessages: sink })
    this.#broker = options.url
      ? new BrokerFeed(options.url, options.exchange, sink, options.logger)
      : null
    this.#tail = new LogTail(
      sink,
      options.url ? 1000 : options.pollInterval,
      options.logger,
      () => this.producer.lease.held
    )
  }

  /** Listens; resolves with the address once receivers can connect. */
  async start() {
    // The last values first, so that the first subscriber already gets them.
    await this.#tail.start()
    await this.#broker?.start()
    const address = await this.server.listen()
    this.#listen = `${address.address}:${address.port}`
    this.producer.start(this.#options.pollInterval)
    await this.#reportNow()
    this.#report = setInterval(() => void this.#reportNow(), REPORT_MS)
    return address
  }

  async #reportNow() {
    const { receivers, topics } = this.server.stats()
    try {
      await RadiovisServer.updateOrCreate(
        { name: this.name },
        {
          listen: this.#listen,
          receivers,
          topics,
          startedAt: this.#startedAt,
          seenAt: DateTime.utc(),
        }
      )
    } catch {
      // The database is down: the next report says it again; receivers are served meanwhile.
    }
  }

  async stop() {
    if (this.#report) clearInterval(this.#report)
    await this.server.close()
    await this.producer.stop()
    await this.#broker?.stop()
    await this.#tail.stop()
    await RadiovisServer.query()
      .where('name', this.name)
      .delete()
      .catch(() => {})
  }
}
