import { DateTime } from 'luxon'
import {
  afterDelete,
  afterSave,
  beforeCreate,
  beforeUpdate,
  belongsTo,
  column,
  hasMany,
  scope,
} from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { booleanColumn, sqlDateTime, utcInstant } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import { localDayBounds } from '#scheduling/recurrence'
import Episode from '#models/episode'
import Program from '#models/program'
import { touchChangeStamp } from '#models/change_stamp'
import Schedule from '#models/schedule'
import Station from '#models/station'

export const DIFFUSION_TYPES = ['on_air', 'unconfirmed', 'cancel'] as const
export type DiffusionType = (typeof DIFFUSION_TYPES)[number]

/**
 * A scheduled airing of an episode. `on_air`: planned to air;
 * `unconfirmed`: generated over another diffusion, waiting for a scheduler;
 * `cancel`: will not air or could not. Start and end are UTC instants.
 */
export default class Diffusion extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare episodeId: number

  @column()
  declare programId: number

  @column()
  declare scheduleId: number | null

  @column()
  declare initialId: number | null

  @column()
  declare type: DiffusionType

  @column.dateTime(utcInstant)
  declare start: DateTime

  @column.dateTime(utcInstant)
  declare end: DateTime

  /** The schedule's local date that produced it, if a schedule did. */
  @column()
  declare occurrenceDate: string | null

  /** Moved, retyped or cancelled by hand: generation leaves it as it is. */
  @column(booleanColumn)
  declare edited: boolean

  /** Changes of time or type so far: the calendar's SEQUENCE (see diffusionChange). */
  @column()
  declare sequence: number

  @belongsTo(() => Episode)
  declare episode: BelongsTo<typeof Episode>

  @belongsTo(() => Program)
  declare program: BelongsTo<typeof Program>

  @belongsTo(() => Schedule)
  declare schedule: BelongsTo<typeof Schedule>

  @belongsTo(() => Diffusion, { foreignKey: 'initialId' })
  declare initial: BelongsTo<typeof Diffusion>

  @hasMany(() => Diffusion, { foreignKey: 'initialId' })
  declare reruns: HasMany<typeof Diffusion>

  get isRerun(): boolean {
    return this.initialId !== null && this.initialId !== undefined
  }

  @beforeCreate()
  static defaults(diffusion: Diffusion) {
    diffusion.edited ??= false
    diffusion.sequence ??= 0
  }

  /** Any change of timing or type made through the model is a hand edit, and a new calendar sequence. */
  @beforeUpdate()
  static markEdited(diffusion: Diffusion) {
    const dirty = diffusion.$dirty
    if ('start' in dirty || 'end' in dirty || 'type' in dirty) {
      diffusion.edited = true
      diffusion.sequence = (diffusion.$original.sequence ?? 0) + 1
    }
  }

  static onAir = scope((query) => {
    query.where('type', 'on_air')
  })

  static unconfirmed = scope((query) => {
    query.where('type', 'unconfirmed')
  })

  static cancelled = scope((query) => {
    query.where('type', 'cancel')
  })

  /** Airing at `at` (default now): start ≤ at < end. */
  static now = scope((query, at: DateTime = DateTime.now()) => {
    const instant = sqlDateTime(at)
    query.where('start', '<=', instant).where('end', '>', instant).orderBy('start', 'asc')
  })

  /** Starting in [from, to), by start (an index range on start). */
  static startingBetween = scope((query, from: DateTime, to: DateTime) => {
    query
      .where('start', '>=', sqlDateTime(from))
      .where('start', '<', sqlDateTime(to))
      .orderBy('start', 'asc')
  })

  /** Starting on a local day (YYYY-MM-DD) in the given zone. */
  static date = scope((query, day: string, zone: string) => {
    const [from, to] = localDayBounds(day, zone)
    Diffusion.startingBetween(query, from, to)
  })

  /**
   * Aircox's after() and before(); Lucid reserves those two names for hooks.
   * Not yet ended at `at` (running or to come), by start.
   */
  static afterDate = scope((query, at: DateTime = DateTime.now()) => {
    query.where('end', '>', sqlDateTime(at)).orderBy('start', 'asc')
  })

  /** Started before `at`. */
  static beforeDate = scope((query, at: DateTime = DateTime.now()) => {
    query.where('start', '<', sqlDateTime(at))
  })

  /** Overlapping [from, to): unlike Aircox's, nothing outside the range. */
  static range = scope((query, from: DateTime, to: DateTime) => {
    query
      .where('start', '<', sqlDateTime(to))
      .where('end', '>', sqlDateTime(from))
      .orderBy('start', 'asc')
  })

  static station = scope((query, station: Station | number) => {
    const stationId = typeof station === 'number' ? station : station.id
    query.whereIn('program_id', (programs) => {
      programs.from('programs').select('id').where('station_id', stationId)
    })
  })

  static initial = scope((query) => {
    query.whereNull('initial_id')
  })

  static rerun = scope((query) => {
    query.whereNotNull('initial_id')
  })

  /** Tells a running monitor to resync (see change_stamp.ts). */
  @afterSave()
  @afterDelete()
  static announceChange() {
    touchChangeStamp()
  }
}
