/*
| The STOMP server RadioVIS receivers connect to (STOMP 1.0 to 1.2, as
| TS 101 499 asks): anonymous sessions that subscribe to topics with slashes
| and get each topic's last message at once, then every new one. It never
| accepts SEND: messages come from the producer, through RabbitMQ or the
| message log (`publish`). A session that breaks the protocol gets an ERROR
| frame saying why, then the connection closes; a client silent past its
| heart-beat, or too slow to read what it is sent, is closed.
*/
import net from 'node:net'
import { randomUUID } from 'node:crypto'
import {
  StompParser,
  StompProtocolError,
  encodeFrame,
  negotiateHeartbeat,
  negotiateVersion,
  type StompFrame,
} from '#radiovis/stomp_frames'
import { parseTopic } from '#radiovis/topics'
import type { LoggedMessage } from '#radiovis/vis_producer'
import type { Logger } from '#types/logger'

export interface StompServerOptions {
  host: string
  port: number
  logger: Logger
  /** What the server offers (ms): heart-beats it sends, and wants from clients. */
  heartbeat?: { send: number; expect: number }
  /** A connection that has not sent CONNECT by then is closed. */
  connectTimeoutMs?: number
  maxConnections?: number
  maxSubscriptions?: number
  /** Bytes waiting to be written to a client before it counts as dead. */
  maxBuffered?: number
}

interface Subscription {
  session: Session
  id: string
  /** As the client wrote it: MESSAGE frames carry it back. */
  destination: string
  topic: string
  ack: string
}

const SERVER = 'Antenne-RadioVIS/1.0'
/** Room given to a client's heart-beats before it is called dead (the spec leaves it to the server). */
const HEARTBEAT_GRACE = 1.5

class Session {
  readonly id = randomUUID()
  readonly parser = new StompParser()
  readonly subscriptions = new Map<string, Subscription>()
  version = '1.0'
  connected = false
  closing = false
  lastReceived = Date.now()
  lastSent = Date.now()
  timers: NodeJS.Timeout[] = []

  constructor(
    readonly socket: net.Socket,
    readonly server: StompServer
  ) {}

  write(frame: Buffer) {
    if (this.closing || this.socket.destroyed) return
    this.lastSent = Date.now()
    this.socket.write(frame)
    if (this.socket.writableLength > this.server.maxBuffered) {
      this.server.logger.warn(`radiovis: ${this.peer} reads too slowly; closed`)
      this.destroy()
    }
  }

  send(command: string, headers: Record<string, string>, body = '') {
    this.write(encodeFrame(command, headers, body, this.version))
  }

  get peer() {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`
  }

  /** ERROR with a reason, then the connection closes (STOMP: the server must close after ERROR). */
  fail(message: string, frame?: StompFrame, detail = '') {
    const headers: Record<string, string> = { message: message.slice(0, 200) }
    if (frame?.headers.receipt) headers['receipt-id'] = frame.headers.receipt
    if (detail) headers['content-type'] = 'text/plain'
    this.send('ERROR', headers, detail)
    this.close()
  }

  close() {
    if (this.closing) return
    this.closing = true
    this.socket.end()
    // A client that does not close its side is cut.
    this.timers.push(setTimeout(() => this.socket.destroy(), 2000).unref())
  }

  destroy() {
    this.closing = true
    this.socket.destroy()
  }
}

export class StompServer {
  readonly logger: Logger
  readonly maxBuffered: number
  readonly #options: Required<Omit<StompServerOptions, 'logger'>>
  readonly #server: net.Server
  readonly #sessions = new Set<Session>()
  /** Subscriptions by canonical topic. */
  readonly #byTopic = new Map<string, Set<Subscription>>()
  /** Each topic's last message: a new subscriber gets it at once. */
  readonly #last = new Map<string, LoggedMessage>()

  constructor(options: StompServerOptions) {
    this.logger = options.logger
    this.#options = {
      host: options.host,
      port: options.port,
      heartbeat: options.heartbeat ?? { send: 10_000, expect: 10_000 },
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxConnections: options.maxConnections ?? 10_000,
      maxSubscriptions: options.maxSubscriptions ?? 64,
      maxBuffered: options.maxBuffered ?? 1 << 20,
    }
    this.maxBuffered = this.#options.maxBuffered
    this.#server = net.createServer((socket) => this.#accept(socket))
    this.#server.maxConnections = this.#options.maxConnections
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject)
        resolve(this.#server.address() as net.AddressInfo)
      })
    })
  }

  /** Connected sessions, and subscriptions per canonical topic. */
  stats() {
    const topics: Record<string, number> = {}
    for (const [topic, subs] of this.#byTopic) if (subs.size) topics[topic] = subs.size
    let receivers = 0
    for (const session of this.#sessions) if (session.connected) receivers++
    return { receivers, topics }
  }

  /**
   * New messages, from any source and in any order: each topic keeps the
   * newest (by log id), and a message already had is not sent again.
   */
  publish(messages: LoggedMessage[]) {
    for (const message of messages) {
      const last = this.#last.get(message.topic)
      if (last && last.id >= message.id) continue
      this.#last.set(message.topic, message)
      // Receivers of one client library subscribe alike: one encoding serves them all.
      const frames = new Map<string, Buffer>()
      for (const sub of this.#byTopic.get(message.topic) ?? []) {
        const key = `${sub.session.version}\n${sub.id}\n${sub.ack}\n${sub.destination}`
        let frame = frames.get(key)
        if (!frame) frames.set(key, (frame = this.#frame(sub, message)))
        sub.session.write(frame)
      }
    }
  }

  #deliver(sub: Subscription, message: LoggedMessage) {
    sub.session.write(this.#frame(sub, message))
  }

  #frame(sub: Subscription, message: LoggedMessage): Buffer {
    const headers: Record<string, string> = {
      'subscription': sub.id,
      'message-id': String(message.id),
      'destination': sub.destination,
      'content-type': 'text/plain;charset=utf-8',
      // TS 101 499: show it now (a slide may also be timed, never here).
      'trigger-time': 'NOW',
    }
    if (message.link) headers.link = message.link
    if (sub.ack !== 'auto') headers.ack = String(message.id)
    return encodeFrame('MESSAGE', headers, message.body, sub.session.version)
  }

  #accept(socket: net.Socket) {
    const session = new Session(socket, this)
    this.#sessions.add(session)
    socket.setNoDelay(true)
    session.timers.push(
      setTimeout(() => {
        if (!session.connected) session.fail('CONNECT expected within the first seconds')
      }, this.#options.connectTimeoutMs).unref()
    )
    socket.on('data', (chunk) => {
      session.lastReceived = Date.now()
      if (session.closing) return
      let frames: StompFrame[]
      try {
        frames = session.parser.feed(chunk).frames
      } catch (error) {
        return session.fail(
          error instanceof StompProtocolError ? error.message : 'unreadable frame'
        )
      }
      for (const frame of frames) {
        if (session.closing) break
        this.#handle(session, frame)
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => this.#drop(session))
  }

  #drop(session: Session) {
    for (const timer of session.timers) clearTimeout(timer)
    for (const sub of session.subscriptions.values()) this.#byTopic.get(sub.topic)?.delete(sub)
    session.subscriptions.clear()
    this.#sessions.delete(session)
  }

  #handle(session: Session, frame: StompFrame) {
    const { command, headers } = frame
    if (command === 'CONNECT' || command === 'STOMP') return this.#connect(session, frame)
    if (!session.connected) return session.fail('CONNECT first', frame)
    switch (command) {
      case 'SUBSCRIBE': {
        const sub = this.#subscribe(session, frame)
        if (!sub) return
        if (headers.receipt) session.send('RECEIPT', { 'receipt-id': headers.receipt })
        const last = this.#last.get(sub.topic)
        if (last) this.#deliver(sub, last)
        return
      }
      case 'UNSUBSCRIBE': {
        const id = headers.id ?? (session.version === '1.0' ? headers.destination : undefined)
        const sub = id === undefined ? undefined : session.subscriptions.get(id)
        if (!sub) return session.fail(`no subscription "${(id ?? '').slice(0, 64)}"`, frame)
        session.subscriptions.delete(sub.id)
        this.#byTopic.get(sub.topic)?.delete(sub)
        break
      }
      case 'SEND':
        return session.fail(
          'SEND refused: receivers may only subscribe',
          frame,
          'This RadioVIS server takes messages from the station only.'
        )
      case 'BEGIN':
      case 'COMMIT':
      case 'ABORT':
        return session.fail(`${command} refused: there is nothing to send in a transaction`, frame)
      case 'ACK':
      case 'NACK':
        // Messages are not redelivered: an acknowledgement changes nothing.
        break
      case 'DISCONNECT':
        if (headers.receipt) session.send('RECEIPT', { 'receipt-id': headers.receipt })
        return session.close()
    }
    if (headers.receipt) session.send('RECEIPT', { 'receipt-id': headers.receipt })
  }

  #connect(session: Session, frame: StompFrame) {
    if (session.connected) return session.fail('already connected', frame)
    const version = negotiateVersion(frame.headers['accept-version'])
    if (!version) {
      session.send('ERROR', {
        'version': '1.0,1.1,1.2',
        'content-type': 'text/plain',
        'message': 'Supported protocol versions are 1.0, 1.1 and 1.2',
      })
      return session.close()
    }
    let heartbeat: { send: number; expect: number }
    try {
      heartbeat = negotiateHeartbeat(
        version === '1.0' ? undefined : frame.headers['heart-beat'],
        this.#options.heartbeat
      )
    } catch (error) {
      return session.fail((error as Error).message, frame)
    }
    session.version = version
    session.parser.version = version
    session.connected = true
    const connected: Record<string, string> = { version, server: SERVER, session: session.id }
    if (version !== '1.0') {
      const { send, expect } = this.#options.heartbeat
      connected['heart-beat'] = `${send},${expect}`
    }
    session.send('CONNECTED', connected)
    if (heartbeat.send) {
      session.timers.push(
        setInterval(() => {
          if (Date.now() - session.lastSent >= heartbeat.send * 0.9)
            session.write(Buffer.from('\n'))
        }, heartbeat.send / 2).unref()
      )
    }
    if (heartbeat.expect) {
      const limit = heartbeat.expect * HEARTBEAT_GRACE
      session.timers.push(
        setInterval(
          () => {
            if (Date.now() - session.lastReceived > limit) {
              this.logger.info(`radiovis: ${session.peer} silent for ${limit} ms; closed`)
              session.destroy()
            }
          },
          Math.min(heartbeat.expect / 2, 1000)
        ).unref()
      )
    }
  }

  /** The new subscription; null when the session was failed. */
  #subscribe(session: Session, frame: StompFrame): Subscription | null {
    const destination = frame.headers.destination
    if (!destination) {
      session.fail('SUBSCRIBE needs a destination', frame)
      return null
    }
    const id = frame.headers.id ?? (session.version === '1.0' ? destination : undefined)
    if (id === undefined) {
      session.fail('SUBSCRIBE needs an id (STOMP 1.1 and later)', frame)
      return null
    }
    const topic = parseTopic(destination)
    if (!topic) {
      session.fail(
        `${destination.slice(0, 100)} is not a RadioVIS topic`,
        frame,
        'Topics: /topic/fm/<gcc>/<pi>/<frequency>/text|image, /topic/dab/<gcc>/<eid>/<sid>/<scids>/…, /topic/id/<fqdn>/<service>/…'
      )
      return null
    }
    if (session.subscriptions.has(id)) {
      session.fail(`subscription id "${id.slice(0, 64)}" is taken`, frame)
      return null
    }
    if (session.subscriptions.size >= this.#options.maxSubscriptions) {
      session.fail(`at most ${this.#options.maxSubscriptions} subscriptions a connection`, frame)
      return null
    }
    const ack = frame.headers.ack ?? 'auto'
    if (!['auto', 'client', 'client-individual'].includes(ack)) {
      session.fail(`ack mode "${ack.slice(0, 32)}" unknown`, frame)
      return null
    }
    const sub: Subscription = { session, id, destination, topic: topic.canonical, ack }
    session.subscriptions.set(id, sub)
    let subs = this.#byTopic.get(sub.topic)
    if (!subs) this.#byTopic.set(sub.topic, (subs = new Set()))
    subs.add(sub)
    return sub
  }

  /** Stops accepting, closes every session. */
  async close() {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    for (const session of this.#sessions) session.destroy()
    await closed
  }
}
