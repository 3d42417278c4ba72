/*
| RadioVIS now playing (ETSI TS 101 499) for hybrid radio receivers: each
| station with a `radiovis_topic` gets `TEXT ...` messages on <topic>/text
| and `SHOW <image url>` on <topic>/image, published to RabbitMQ's topic
| exchange (amq.topic: what the STOMP plugin serves as /topic/...; a
| RadioVIS server can subscribe there too). A topic silent longer than
| `fallbackAfter` gets the station's default text and image again, as the
| RadioVIS server of the seed platform does. Several Antenne instances may
| share the broker: each publishes only its stations' topics.
*/
import Event from '#models/event'
import Station from '#models/station'
import type { AntenneEvent } from '#events/event_types'
import { outboxEnd } from '#events/event_deliverer'
import { AmqpPublisher } from '#events/sink_transports'

/** RadioVIS TEXT is at most 128 characters. */
const MAX_TEXT = 128

export interface RadioVisStation {
  slug: string
  name: string
  radiovisTopic: string | null
  radiovisText: string | null
  radiovisImage: string | null
}

export interface RadioVisMessage {
  /** The STOMP destination, e.g. /topic/fm/ce1/c479/09580/text. */
  destination: string
  body: string
}

/** `/topic/x/y` → the amq.topic routing key `x/y` (the STOMP plugin's mapping). */
export function routingKeyOf(destination: string): string {
  return destination.replace(/^\/topic\//, '')
}

function clip(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_TEXT ? flat.slice(0, MAX_TEXT - 1) + '…' : flat
}

/** The station's default slide: its text (or name) and image. */
export function defaultMessages(station: RadioVisStation): RadioVisMessage[] {
  if (!station.radiovisTopic) return []
  const base = station.radiovisTopic.replace(/\/+$/, '')
  const messages = [
    { destination: `${base}/text`, body: `TEXT ${clip(station.radiovisText || station.name)}` },
  ]
  if (station.radiovisImage)
    messages.push({ destination: `${base}/image`, body: `SHOW ${station.radiovisImage}` })
  return messages
}

/**
 * What an on-air event shows: the track (artist – title) with its cover,
 * or the show that starts; null for events that change nothing on screen.
 */
export function nowPlayingMessages(
  event: AntenneEvent,
  station: RadioVisStation,
  publicUrl: string
): RadioVisMessage[] | null {
  if (!station.radiovisTopic) return null
  const base = station.radiovisTopic.replace(/\/+$/, '')
  const p = event.payload as Record<string, string | null | undefined>
  let text: string
  if (event.type === 'track_on_air' || event.type === 'sound_on_air') {
    const title = p.title || p.name
    if (!title) return null
    text = p.artist ? `${p.artist} – ${title}` : title
  } else if (event.type === 'diffusion_started') {
    text =
      p.episode && p.episode !== p.program
        ? `${p.program}: ${p.episode}`
        : String(p.program ?? p.episode ?? '')
    if (!text) return null
  } else {
    return null
  }
  const image = p.cover
    ? `${publicUrl.replace(/\/+$/, '')}/covers/${p.cover}`
    : station.radiovisImage
  const messages = [{ destination: `${base}/text`, body: `TEXT ${clip(text)}` }]
  if (image) messages.push({ destination: `${base}/image`, body: `SHOW ${image}` })
  return messages
}

export interface RadioVisOptions {
  url: string
  exchange: string
  fallbackAfter: number
  publicUrl: string
  logger: { info(m: string): void; warn(m: string): void }
}

export class RadioVisPublisher {
  readonly #options: RadioVisOptions
  readonly #publisher: AmqpPublisher
  #cursor = -1
  #stations = new Map<string, RadioVisStation>()
  #stationsAt = 0
  /** Last publish per topic base, ms. */
  #lastPublished = new Map<string, number>()
  #timer: NodeJS.Timeout | null = null
  #down = false

  constructor(options: RadioVisOptions) {
    this.#options = options
    this.#publisher = new AmqpPublisher(options.url, options.exchange, 5000, 'antenne radiovis')
  }

  publish(messages: RadioVisMessage[]) {
    return this.#publisher.publish(
      messages.map((m) => ({
        routingKey: routingKeyOf(m.destination),
        body: Buffer.from(m.body),
        options: { contentType: 'text/plain', headers: { destination: m.destination } },
      }))
    )
  }

  async #stationsBySlug(now: number) {
    if (now - this.#stationsAt > 30_000) {
      const rows = await Station.query()
        .withScopes((s) => s.active())
        .whereNotNull('radiovis_topic')
      this.#stations = new Map(rows.map((s) => [s.slug, s]))
      this.#stationsAt = now
    }
    return this.#stations
  }

  /** Publishes what the new events show, then the defaults of topics silent too long. */
  async poll(now = Date.now()) {
    try {
      if (this.#cursor < 0) this.#cursor = await outboxEnd()
      const stations = await this.#stationsBySlug(now)
      const events = await Event.query()
        .withScopes((s) => s.afterId(this.#cursor))
        .whereIn('type', ['track_on_air', 'sound_on_air', 'diffusion_started'])
        .limit(500)
      for (const row of events) {
        const station = row.station ? stations.get(row.station) : undefined
        const messages = station
          ? nowPlayingMessages(row.toEvent(), station, this.#options.publicUrl)
          : null
        if (station && messages) {
          await this.publish(messages)
          this.#lastPublished.set(station.slug, now)
        }
        this.#cursor = row.id
      }
      for (const station of stations.values()) {
        const last = this.#lastPublished.get(station.slug) ?? 0
        if (now - last >= this.#options.fallbackAfter * 1000) {
          await this.publish(defaultMessages(station))
          this.#lastPublished.set(station.slug, now)
        }
      }
      if (this.#down) this.#options.logger.info('radiovis: RabbitMQ answers again')
      this.#down = false
    } catch (error) {
      if (!this.#down) this.#options.logger.warn(`radiovis: ${(error as Error).message}; retrying`)
      this.#down = true
      await this.close()
    }
  }

  start(interval = 1000) {
    const loop = async () => {
      await this.poll()
      this.#timer = setTimeout(loop, interval)
    }
    void loop()
  }

  async stop() {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.close()
  }

  close() {
    return this.#publisher.close()
  }
}
