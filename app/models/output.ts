import { beforeSave, belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { booleanColumn } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import Station from '#models/station'
import { InvalidRecordException } from '#exceptions/domain'

export const OUTPUT_TYPES = ['icecast', 'file'] as const
export const OUTPUT_FORMATS = ['mp3', 'ogg', 'opus'] as const

export type OutputType = (typeof OUTPUT_TYPES)[number]
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/**
 * A file output's name: a file inside the station's `recordings/` folder,
 * with Liquidsoap's strftime codes (`%Y%m%d-%H%M%S`), never a path. Liquidsoap
 * writes and appends to it, so a path would let whoever edits an output
 * write anywhere Liquidsoap may.
 */
export function isRecordingName(name: string): boolean {
  return /^[A-Za-z0-9%][A-Za-z0-9._%+-]{0,199}$/.test(name) && !name.includes('..')
}

/** An Icecast mount: one absolute path of safe characters, not a fallback's name (icecast_config.ts). */
export function isMountName(mount: string): boolean {
  return (
    /^\/[A-Za-z0-9._~-][A-Za-z0-9._~/-]{0,199}$/.test(mount) &&
    !mount.includes('..') &&
    !/-fallback(\.[a-z0-9]+)?$/i.test(mount)
  )
}

/** Where a station's stream goes: an Icecast mount or a recording. */
export default class Output extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare stationId: number

  @column()
  declare type: OutputType

  @column()
  declare host: string | null

  @column()
  declare port: number | null

  @column()
  declare mount: string | null

  @column({ serializeAs: null })
  declare password: string | null

  /** Icecast's admin account: the statistics read the list of listeners with it. */
  @column()
  declare adminUser: string | null

  @column({ serializeAs: null })
  declare adminPassword: string | null

  /** Where listeners reach the mount, when not at host:port (see app/on_air/listen.ts). */
  @column()
  declare listenUrl: string | null

  @column()
  declare format: OutputFormat

  @column()
  declare bitrate: number

  @column(booleanColumn)
  declare active: boolean

  @belongsTo(() => Station)
  declare station: BelongsTo<typeof Station>

  /** The rules above hold whoever saves an output: the CMS, a seeder, a script. */
  @beforeSave()
  static checkMount(output: Output) {
    if (output.mount === null || output.mount === undefined) return
    if (output.type === 'file' && !isRecordingName(output.mount)) {
      throw new InvalidRecordException(
        `a file output is a file name inside the station's recordings folder (letters, digits, . _ - + and strftime %-codes), not "${output.mount}"`
      )
    }
    if (output.type === 'icecast' && !isMountName(output.mount)) {
      throw new InvalidRecordException(
        `an Icecast mount is a path like /radio.mp3 (letters, digits, . _ ~ - and /), not "${output.mount}"`
      )
    }
  }

  static active = scope((query) => {
    query.where('active', true)
  })
}
