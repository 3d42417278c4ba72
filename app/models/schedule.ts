import { beforeSave, belongsTo, column, hasMany, scope } from '@adonisjs/lucid/orm'
import TimestampedModel from '#models/timestamped_model'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { type Frequency, type Recurrence, recurrenceErrors } from '#scheduling/recurrence'
import { InvalidRecordException } from '#exceptions/domain'
import Program from '#models/program'
import Diffusion from '#models/diffusion'

/** Fields whose change moves the future diffusions already generated. */
const TIMING_FIELDS = ['time', 'timezone', 'duration'] as const
/** Fields whose change may remove some of them. */
const RULE_FIELDS = ['date', 'endDate', 'frequency'] as const

/**
 * A recurrence rule of a program (Aircox's Schedule). A rerun schedule points
 * at its initial schedule: each initial airing is aired again as many days
 * later as the rerun's date is after the initial's date.
 */
export default class Schedule extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare programId: number

  /** Local YYYY-MM-DD: the first diffusion, its weekday and 14-day phase. */
  @column()
  declare date: string

  @column()
  declare endDate: string | null

  /** Local HH:MM in `timezone`. */
  @column()
  declare time: string

  @column()
  declare timezone: string

  /** Minutes. */
  @column()
  declare duration: number

  @column()
  declare frequency: Frequency

  @column()
  declare initialId: number | null

  @belongsTo(() => Program)
  declare program: BelongsTo<typeof Program>

  @belongsTo(() => Schedule, { foreignKey: 'initialId' })
  declare initial: BelongsTo<typeof Schedule>

  @hasMany(() => Schedule, { foreignKey: 'initialId' })
  declare reruns: HasMany<typeof Schedule>

  @hasMany(() => Diffusion)
  declare diffusions: HasMany<typeof Diffusion>

  get isRerun(): boolean {
    return this.initialId !== null && this.initialId !== undefined
  }

  get recurrence(): Recurrence {
    return {
      date: this.date,
      endDate: this.endDate,
      time: this.time,
      timezone: this.timezone,
      duration: this.duration,
      frequency: this.frequency,
    }
  }

  static initial = scope((query) => {
    query.whereNull('initial_id')
  })

  static rerun = scope((query) => {
    query.whereNotNull('initial_id')
  })

  @beforeSave()
  static async validate(schedule: Schedule) {
    if (schedule.initialId) {
      // A rerun follows its initial: same program, same rhythm (as in Aircox).
      const initial = await Schedule.findOrFail(schedule.initialId, { client: schedule.$trx })
      if (initial.initialId) {
        throw new InvalidRecordException('a rerun schedule must point at an initial schedule')
      }
      if (schedule.date < initial.date) {
        throw new InvalidRecordException(
          'a rerun must come after its initial (its date is earlier)'
        )
      }
      schedule.programId = initial.programId
      schedule.frequency = initial.frequency
    }
    const errors = recurrenceErrors(schedule.recurrence)
    if (errors.length) throw new InvalidRecordException(`schedule: ${errors.join('; ')}`)
    // A new schedule has nothing generated yet.
    const updating = schedule.$isPersisted
    schedule.$extras.timingChanged = updating && TIMING_FIELDS.some((f) => f in schedule.$dirty)
    schedule.$extras.ruleChanged = updating && RULE_FIELDS.some((f) => f in schedule.$dirty)
  }
}
