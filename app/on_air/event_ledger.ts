/*
| Server-sent events with ids, around Transmit (which writes `data:` frames
| only, and has no hook to add a field to them). Transmit keeps its
| subscriptions and writes its frames as ever; what it writes to a listener
| goes through an EventIdWriter first, which puts the broadcast's `id:`
| line before its data line, and the ledger remembers each channel's
| latest broadcast: a stream that subscribes is sent it at once, unless its
| `Last-Event-ID` says it has it (see shouldReplay).
|
| Broadcast through `EventLedger.broadcast`: a frame sent by calling
| Transmit directly carries no id.
*/
import { Writable } from 'node:stream'
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { HttpContext } from '@adonisjs/core/http'
import type transmitService from '@adonisjs/transmit/services/main'
import {
  framePrefix,
  identified,
  nextEventId,
  shouldReplay,
  type ExpectedFrame,
} from '#on_air/event_ids'

type Transmit = typeof transmitService
type TransmitStream = ReturnType<Transmit['createStream']>
type Payload = NonNullable<Parameters<Transmit['broadcast']>[1]>

/**
 * What Transmit's Stream is piped into instead of the HTTP response: it
 * passes the headers and every chunk on, with the ids of the frames it was
 * told to expect, and closes when the response does (Transmit forgets the
 * stream then).
 */
export class EventIdWriter extends Writable {
  readonly #response: ServerResponse
  readonly #pending: ExpectedFrame[] = []

  constructor(response: ServerResponse) {
    super({ decodeStrings: false })
    this.#response = response
    response.once('close', () => this.destroy())
  }

  /** The next frame of `channel` that Transmit writes here is broadcast `id`. */
  expect(id: number, channel: string) {
    this.#pending.push({ id, prefix: framePrefix(channel) })
  }

  writeHead(status: number, headers: OutgoingHttpHeaders) {
    this.#response.writeHead(status, headers)
    return this
  }

  flushHeaders() {
    this.#response.flushHeaders()
  }

  _write(chunk: string | Buffer, _: BufferEncoding, done: (error?: Error | null) => void) {
    const text = identified(String(chunk), this.#pending)
    if (this.#response.write(text)) done()
    else this.#response.once('drain', () => done())
  }

  _final(done: (error?: Error | null) => void) {
    this.#response.end(() => done())
  }
}

interface Listener {
  stream: TransmitStream
  writer: EventIdWriter
  lastEventId: string | undefined
}

export class EventLedger {
  readonly #transmit: Transmit
  readonly #clock: () => number
  #lastId = 0
  readonly #latest = new Map<string, { id: number; payload: Payload }>()
  /** Open streams by uid: the latest one of a uid, should a client reuse it. */
  readonly #listeners = new Map<string, Listener>()

  constructor(transmit: Transmit, clock = Date.now) {
    this.#transmit = transmit
    this.#clock = clock
    transmit.on('subscribe', ({ uid, channel }) => this.#replay(uid, channel))
  }

  /** Opens the event stream of a request (`GET /__transmit/events?uid=`), through an EventIdWriter. */
  open(ctx: HttpContext, uid: string) {
    const writer = new EventIdWriter(ctx.response.response)
    const stream = this.#transmit.createStream({
      uid,
      context: ctx,
      request: ctx.request.request as IncomingMessage,
      response: writer as never,
      injectResponseHeaders: ctx.response.getHeaders(),
    })
    const listener = { stream, writer, lastEventId: ctx.request.header('last-event-id') }
    this.#listeners.set(uid, listener)
    writer.once('close', () => {
      if (this.#listeners.get(uid) === listener) this.#listeners.delete(uid)
    })
    return stream
  }

  /** Sends `payload` to the subscribers of `channel`, as one event with a new id. */
  broadcast(channel: string, payload: Payload) {
    const id = (this.#lastId = nextEventId(this.#lastId, this.#clock()))
    this.#latest.set(channel, { id, payload })
    for (const stream of this.#transmit.getManager().findByChannel(channel))
      this.#writerOf(stream)?.expect(id, channel)
    this.#transmit.broadcast(channel, payload)
    return id
  }

  #writerOf(stream: TransmitStream) {
    const listener = this.#listeners.get(stream.getUid())
    return listener?.stream === stream ? listener.writer : undefined
  }

  /** A subscriber is sent the latest state, once, unless it had it (`Last-Event-ID`). */
  #replay(uid: string, channel: string) {
    const listener = this.#listeners.get(uid)
    const latest = this.#latest.get(channel)
    if (!listener || !latest || !shouldReplay(listener.lastEventId, latest.id)) return
    listener.lastEventId = String(latest.id)
    listener.writer.expect(latest.id, channel)
    listener.stream.writeMessage({ data: { channel, payload: latest.payload } })
  }
}
