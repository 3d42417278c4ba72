import { DateTime } from 'luxon'
import { column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { booleanColumn, utcInstant } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import EventDelivery from '#models/event_delivery'
import { parseRules, type SinkFilter } from '#events/event_filter'

/** Where events go (Flussonic's event_sink): a log file, a webhook or a RabbitMQ exchange. */
export default class EventSink extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare url: string

  /** The HMAC key of a webhook: never shown back. */
  @column({ serializeAs: null })
  declare key: string | null

  @column()
  declare minLevel: string

  @column()
  declare only: string | null

  @column()
  declare except: string | null

  /**
   * Free options (Flussonic: the block's other options), passed on to the
   * receiver; `sign` and `args` are Antenne's own (app/events/sink_options.ts).
   */
  @column({
    prepare: (v: Record<string, string> | null) =>
      v && Object.keys(v).length > 0 ? JSON.stringify(v) : null,
    consume: (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : (v ?? {})),
  })
  declare options: Record<string, string>

  @column()
  declare timeoutMs: number

  /** The resend limit: attempts at one batch before it is given up (and logged as failed). */
  @column()
  declare maxAttempts: number

  @column()
  declare batchSize: number

  @column(booleanColumn)
  declare active: boolean

  @column(booleanColumn)
  declare fromFile: boolean

  @column({ consume: (v) => Number(v) })
  declare cursor: number

  @column()
  declare attempts: number

  @column.dateTime(utcInstant)
  declare nextAttemptAt: DateTime | null

  @column()
  declare lastError: string | null

  @column()
  declare leaseOwner: string | null

  @column.dateTime(utcInstant)
  declare leaseUntil: DateTime | null

  @hasMany(() => EventDelivery, { foreignKey: 'sinkId' })
  declare deliveries: HasMany<typeof EventDelivery>

  /** The URL without its password, for pages and logs. */
  get safeUrl(): string {
    return this.url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
  }

  get filter(): SinkFilter {
    return { minLevel: this.minLevel, only: parseRules(this.only), except: parseRules(this.except) }
  }

  static active = scope((query) => {
    query.where('active', true)
  })
}
