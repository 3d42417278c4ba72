/*
| The one producer of RadioVIS messages, however many `radiovis:serve` and
| `events:deliver` run: whoever holds the `radiovis` lease reads the new
| on-air events, turns each station's latest into a slide, writes the
| messages that change something to the message log and publishes them to
| RabbitMQ when there is one. It also sends a station's default slide when
| its topics have been silent for `fallbackAfter`, and cleans the log. A
| process that takes the lease over starts from the log: what each topic
| said, and the events of the last seconds, so nothing is sent twice.
*/
import { hostname } from 'node:os'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Event from '#models/event'
import Station from '#models/station'
import Sound from '#models/sound'
import Diffusion from '#models/diffusion'
import RadiovisMessage from '#models/radiovis_message'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { eventColumns } from '#models/table_columns'
import { NamedLease } from '#leases/named_lease'
import { AmqpPublisher } from '#events/sink_transports'
import { coverUrl, episodeUrl } from '#on_air/on_air_log'
import { artworkOf, imageUrl } from '#images/image_urls'
import { publicOrigin, stationHostNames } from '#feeds/public_origin'
import { outboxEnd } from '#events/event_deliverer'
import { stationTopics } from '#radiovis/topics'
import {
  VISUAL_EVENTS,
  changeMessages,
  defaultSlide,
  latestPerStation,
  slideOf,
  type EventFacts,
  type StationDefaults,
  type TopicState,
  type VisMessage,
} from '#radiovis/vis_messages'
import type { AntenneEvent } from '#events/event_types'
import type { Logger } from '#types/logger'

/** A message as logged: what servers send, in id order. */
export interface LoggedMessage extends VisMessage {
  id: number
  /** Epoch ms. */
  sentAt: number
}

export interface ProducerOptions {
  url: string | null
  exchange: string
  /** Seconds of silence before a station's default slide. */
  fallbackAfter: number
  /** Seconds a logged message is kept, and between two clean-ups. */
  logMaxAge: number
  logCleanup: number
  publicUrl: string
  logger: Logger
  /** Messages this process produced, handed to its own server at once. */
  onMessages?: (messages: LoggedMessage[]) => void
}

interface StationState {
  slug: string
  topics: { text: string; image: string }
  defaults: StationDefaults
  current: TopicState
  /** Epoch ms of the last message (or of the last fallback check that found nothing to change). */
  lastSent: number
}

/** Events this close to a take-over are read again: the log says which were sent. */
const REPLAY_MS = 10_000
const STATIONS_TTL_MS = 30_000

export function logged(row: RadiovisMessage): LoggedMessage {
  return {
    id: row.id,
    station: row.station,
    topic: row.topic,
    body: row.body,
    link: row.link,
    eventId: row.eventId,
    fallback: row.fallback,
    sentAt: row.sentAt.toMillis(),
  }
}

/** The latest message of each topic. */
export async function latestMessages(): Promise<RadiovisMessage[]> {
  return RadiovisMessage.query()
    .whereIn('id', db.from('radiovis_messages').max('id').groupBy('topic'))
    .orderBy('id', 'asc')
}

const absolute = (origin: string, path: string | null) => (path ? origin + path : null)

export class VisProducer {
  readonly lease = new NamedLease('radiovis', `${hostname()}:${process.pid}`)
  readonly #options: ProducerOptions
  readonly #publisher: AmqpPublisher | null
  #cursor: number | null = null
  #stations = new Map<string, StationState>()
  #stationsAt = 0
  #programImages = new Map<number, { url: string | null; at: number }>()
  #cleanedAt = 0
  #brokerDown = false
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null
  #stopped = false
  #failing = false

  constructor(options: ProducerOptions) {
    this.#options = options
    this.#publisher = options.url
      ? new AmqpPublisher(options.url, options.exchange, 5000, 'antenne radiovis')
      : null
  }

  /** One pass: hold the lease, then produce. Never throws. */
  async poll(now = Date.now()) {
    try {
      if (!(await this.lease.hold(now))) {
        if (this.#cursor !== null)
          this.#options.logger.info('radiovis: another process produces now')
        this.#cursor = null
        return
      }
      if (this.#cursor === null) await this.#takeOver(now)
      await this.#refreshStations(now)
      await this.#produce(now)
      if (now - this.#cleanedAt >= this.#options.logCleanup * 1000) await this.#cleanUp(now)
      if (this.#failing) this.#options.logger.info('radiovis: producing again')
      this.#failing = false
    } catch (error) {
      if (!this.#failing)
        this.#options.logger.warn(`radiovis: ${(error as Error).message}; retrying`)
      this.#failing = true
      // Read everything again from the log at the next pass.
      this.#cursor = null
    }
  }

  async #takeOver(now: number) {
    const recent = await Event.query()
      .whereIn('type', [...VISUAL_EVENTS])
      .where('occurred_at', '>=', sqlDateTime(DateTime.fromMillis(now - REPLAY_MS)))
      .orderBy('id', 'asc')
      .first()
    this.#cursor = recent ? recent.id - 1 : await outboxEnd()
    this.#stationsAt = 0
    this.#stations.clear()
    this.#options.logger.info(`radiovis: producing messages (lease ${this.lease.holder})`)
  }

  async #refreshStations(now: number) {
    if (now - this.#stationsAt < STATIONS_TTL_MS) return
    const rows = await Station.query()
      .withScopes((s) => s.active())
      .whereNotNull('radiovis_topic')
    const latest = new Map((await latestMessages()).map((m) => [m.topic, m]))
    const next = new Map<string, StationState>()
    for (const station of rows) {
      const topics = stationTopics(station.radiovisTopic!)
      if (!topics) {
        if (!this.#stations.has(station.slug))
          this.#options.logger.warn(
            `radiovis: station ${station.slug}: "${station.radiovisTopic}" is not a RadioVIS topic`
          )
        continue
      }
      const known = this.#stations.get(station.slug)
      const text = latest.get(topics.text)
      const image = latest.get(topics.image)
      const origin = publicOrigin(
        this.#options.publicUrl,
        stationHostNames(station.hosts)[0] ?? null,
        station.hosts
      )
      next.set(station.slug, {
        slug: station.slug,
        topics,
        defaults: {
          name: station.name,
          radiovisText: station.radiovisText,
          radiovisImage: station.radiovisImage,
          logo: absolute(origin, imageUrl(station.logo, 'slide')),
          home: `${origin}/`,
          defaultImage: `${origin}/radiovis.png`,
        },
        current:
          known && known.topics.text === topics.text
            ? known.current
            : { text: text?.body ?? null, image: image?.body ?? null, link: image?.link ?? null },
        lastSent:
          known?.lastSent ?? Math.max(text?.sentAt.toMillis() ?? 0, image?.sentAt.toMillis() ?? 0),
      })
    }
    this.#stations = next
    this.#stationsAt = now
  }

  async #produce(now: number) {
    const events = await this.#newEvents()
    const latest = latestPerStation(events)
    const messages: VisMessage[] = []
    const touched = new Map<StationState, VisMessage[]>()
    for (const state of this.#stations.values()) {
      const event = latest.get(state.slug)
      let change: VisMessage[] = []
      if (event) {
        const slide = slideOf(event, await this.#facts(event, state.defaults), state.defaults)
        if (slide)
          change = changeMessages(state.slug, state.topics, state.current, slide, {
            eventId: event.id ?? null,
            fallback: false,
          })
        state.lastSent = now
      } else if (now - state.lastSent >= this.#options.fallbackAfter * 1000) {
        change = changeMessages(
          state.slug,
          state.topics,
          state.current,
          defaultSlide(state.defaults),
          {
            eventId: null,
            fallback: true,
          }
        )
        state.lastSent = now
      }
      if (change.length) {
        touched.set(state, change)
        messages.push(...change)
      }
    }
    const stored = messages.length ? await this.#log(messages, now) : []
    if (events.length) this.#cursor = events[events.length - 1].id!
    for (const [state, change] of touched) {
      for (const m of change) {
        if (m.topic === state.topics.text) state.current.text = m.body
        else state.current = { ...state.current, image: m.body, link: m.link }
      }
    }
    if (!stored.length) return
    // Through the broker first, so that a receiver of this process never
    // holds a message the other servers may not get if this process dies
    // now; while the broker is down, this process's receivers do not wait.
    if (this.#brokerDown) this.#options.onMessages?.(stored)
    const wasDown = this.#brokerDown
    await this.#publish(stored)
    if (!wasDown) this.#options.onMessages?.(stored)
  }

  /**
   * The visual events after the cursor. Read without the model: this runs
   * every `pollInterval` (tens of ms) and mostly finds nothing.
   */
  async #newEvents(): Promise<AntenneEvent[]> {
    const c = eventColumns
    const rows = await db
      .from(c.table)
      .select(
        c.name('id'),
        c.name('type'),
        c.name('station'),
        c.name('level'),
        c.name('occurredAt'),
        c.name('payload')
      )
      .where(c.name('id'), '>', this.#cursor!)
      .whereIn(c.name('type'), [...VISUAL_EVENTS])
      .orderBy(c.name('id'), 'asc')
      .limit(500)
    return rows.map((row) => ({
      id: Number(row[c.name('id')]),
      type: row[c.name('type')],
      station: row[c.name('station')],
      level: row[c.name('level')],
      at: fromSqlDateTime(row[c.name('occurredAt')])!.toISO()!,
      payload:
        typeof row[c.name('payload')] === 'string'
          ? JSON.parse(row[c.name('payload')])
          : row[c.name('payload')],
    }))
  }

  async #log(messages: VisMessage[], now: number): Promise<LoggedMessage[]> {
    const sentAt = DateTime.fromMillis(now, { zone: 'utc' })
    return db.transaction(async (trx) => {
      const rows: LoggedMessage[] = []
      for (const m of messages) {
        const row = await RadiovisMessage.create({ ...m, sentAt }, { client: trx })
        rows.push(logged(row))
      }
      return rows
    })
  }

  /** To RabbitMQ, when there is one; a failure is logged once: the servers also read the log. */
  async #publish(messages: LoggedMessage[]) {
    if (!this.#publisher) return
    try {
      await this.#publisher.publish(
        messages.map((m) => ({
          routingKey: m.topic.replace(/^\/topic\//, ''),
          body: Buffer.from(m.body),
          options: {
            contentType: 'text/plain',
            messageId: String(m.id),
            timestamp: Math.floor(m.sentAt / 1000),
            headers: {
              station: m.station,
              topic: m.topic,
              link: m.link ?? '',
              event_id: m.eventId ?? '',
              fallback: m.fallback,
              sent_at: m.sentAt,
            },
          },
        }))
      )
      if (this.#brokerDown) this.#options.logger.info('radiovis: RabbitMQ answers again')
      this.#brokerDown = false
    } catch (error) {
      if (!this.#brokerDown)
        this.#options.logger.warn(
          `radiovis: RabbitMQ: ${(error as Error).message}; servers fall back to the message log`
        )
      this.#brokerDown = true
    }
  }

  async #facts(event: AntenneEvent, station: StationDefaults): Promise<EventFacts> {
    const origin = station.home.replace(/\/$/, '')
    const p = event.payload
    const facts: EventFacts = { artwork: null, cover: null, programImage: null, link: null }
    const page = (program: string, episode: string) => origin + episodeUrl(program, episode)
    if (typeof p.sound_id === 'number') {
      const sound = await Sound.query()
        .where('id', p.sound_id)
        .preload('episode', (q) => q.preload('program'))
        .first()
      if (sound?.cover) facts.cover = origin + coverUrl(sound.cover)
      // A rotation song is no program's: its slide falls back to the station's.
      if (sound?.episode) {
        facts.artwork = absolute(
          origin,
          imageUrl(artworkOf({ episode: sound.episode, program: sound.episode.program }), 'slide')
        )
        facts.link = page(sound.episode.program.slug, sound.episode.slug)
        facts.programImage = await this.#programImage(sound.programId, origin)
      }
    } else if (typeof p.diffusion_id === 'number') {
      const diffusion = await Diffusion.query()
        .where('id', p.diffusion_id)
        .preload('episode', (q) => q.preload('program'))
        .first()
      if (diffusion) {
        facts.artwork = absolute(
          origin,
          imageUrl(
            artworkOf({ episode: diffusion.episode, program: diffusion.episode.program }),
            'slide'
          )
        )
        facts.link = page(diffusion.episode.program.slug, diffusion.episode.slug)
        facts.programImage = await this.#programImage(diffusion.programId, origin)
      }
    }
    return facts
  }

  /** A program's image: the cover of its newest sound that has one. */
  async #programImage(programId: number, origin: string) {
    const known = this.#programImages.get(programId)
    if (known && Date.now() - known.at < 60_000) return known.url
    const sound = await Sound.query()
      .where('program_id', programId)
      .whereNotNull('cover')
      .orderBy('id', 'desc')
      .first()
    const url = sound?.cover ? origin + coverUrl(sound.cover) : null
    this.#programImages.set(programId, { url, at: Date.now() })
    return url
  }

  /** Drops messages older than the maximum age, except each topic's latest (what a new server starts from). */
  async #cleanUp(now: number) {
    this.#cleanedAt = now
    const cutoff = sqlDateTime(DateTime.fromMillis(now - this.#options.logMaxAge * 1000))
    const deleted = await db
      .from('radiovis_messages')
      .where('sent_at', '<', cutoff)
      .whereNotIn(
        'id',
        db
          .from(db.from('radiovis_messages').max('id as id').groupBy('topic').as('latest'))
          .select('id')
      )
      .delete()
    // Servers killed without a goodbye: gone from the CMS after 30 s, from the table after an hour.
    await db
      .from('radiovis_servers')
      .where('seen_at', '<', sqlDateTime(DateTime.fromMillis(now - 3600_000)))
      .delete()
    if (Number(deleted) > 0)
      this.#options.logger.info(
        `radiovis: ${deleted} message(s) older than ${this.#options.logMaxAge} s cleaned`
      )
  }

  start(interval: number) {
    const loop = async () => {
      if (this.#stopped) return
      this.#running = this.poll()
      await this.#running
      if (!this.#stopped) this.#timer = setTimeout(loop, interval)
    }
    void loop()
  }

  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.#running
    await this.lease.release().catch(() => {})
    await this.#publisher?.close()
  }
}
