import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { beforeSave, column, hasMany, scope } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import antenneConfig from '#config/antenne'
import { isValidZone } from '#scheduling/recurrence'
import { InvalidRecordException } from '#exceptions/domain'
import { booleanColumn } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import Output from '#models/output'
import Program from '#models/program'
import Log from '#models/log'

export default class Station extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare slug: string

  /** IANA zone of the station's wall clocks: its day, its week, its timetable. */
  @column()
  declare timezone: string

  @column()
  declare path: string | null

  @column(booleanColumn)
  declare isDefault: boolean

  @column(booleanColumn)
  declare active: boolean

  @column()
  declare hosts: string | null

  /** Port of the live input (input.harbor); none: the station has no live input. */
  @column()
  declare harborPort: number | null

  @column({ serializeAs: null })
  declare harborPassword: string | null

  /** A host may connect this many seconds before one of their diffusions, and stays on this long after its end. */
  @column()
  declare liveMarginBefore: number

  @column()
  declare liveMarginAfter: number

  /** Seconds of silence on the live input before it leaves the air (0: never). */
  @column()
  declare liveSilenceAfter: number

  /** What airs while the live input is silent: this jingle, looped; none: the rotation. */
  @column()
  declare liveSilenceJingle: string | null

  /** How live shows are recorded into their program's archives (mp3, ogg, flac); none: not recorded. */
  @column()
  declare liveRecordFormat: LiveRecordFormat | null

  /** RadioVIS topic base (e.g. /topic/fm/ce1/c479/09580): /text and /image are published below it. */
  @column()
  declare radiovisTopic: string | null

  /** The default RadioVIS text and slide, shown when nothing newer is. */
  @column()
  declare radiovisText: string | null

  @column()
  declare radiovisImage: string | null

  /** Content hash of its uploaded logo (app/images/image_store.ts). */
  @column()
  declare logo: string | null

  /** Its programs' language (BCP 47, e.g. `fr` or `fr-BE`), for feeds; none: the site's default locale. */
  @column()
  declare language: string | null

  /** Who its podcasts are by (`itunes:author`; none: the station's name), and their owner's address (`itunes:owner`). */
  @column()
  declare podcastAuthor: string | null

  @column()
  declare podcastEmail: string | null

  @hasMany(() => Output)
  declare outputs: HasMany<typeof Output>

  @hasMany(() => Program)
  declare programs: HasMany<typeof Program>

  @hasMany(() => Log)
  declare logs: HasMany<typeof Log>

  /** The working folder: station.liq, playlists, socket, Liquidsoap's log. */
  get workingDir(): string {
    return this.path || join(antenneConfig.stationsDir, this.slug)
  }

  static active = scope((query) => {
    query.where('active', true)
  })

  /** The default station first, then by id (Aircox's StationQuerySet.default()). */
  static byDefault = scope((query) => {
    query.orderBy('is_default', 'desc').orderBy('id', 'asc')
  })

  @beforeSave()
  static validate(station: Station) {
    if (!isValidZone(station.timezone)) {
      throw new InvalidRecordException(
        `station "${station.slug}": invalid time zone "${station.timezone}"`
      )
    }
    // A live input gets a password nobody has to invent; a short one is refused (it guards the air).
    if (
      station.harborPort !== null &&
      station.harborPort !== undefined &&
      !station.harborPassword
    ) {
      station.harborPassword = generateHarborPassword()
    }
    if (
      station.$dirty.harborPassword &&
      station.harborPassword &&
      station.harborPassword.length < HARBOR_PASSWORD_MIN
    ) {
      throw new InvalidRecordException(
        `station "${station.slug}": the live input's password needs ${HARBOR_PASSWORD_MIN} characters at least`
      )
    }
  }
}

export const HARBOR_PASSWORD_MIN = 16

export const LIVE_RECORD_FORMATS = ['mp3', 'ogg', 'flac'] as const
export type LiveRecordFormat = (typeof LIVE_RECORD_FORMATS)[number]

/** 24 characters of base64url from 18 random bytes. */
export function generateHarborPassword(): string {
  return randomBytes(18).toString('base64url')
}
