import { isAbsolute, join } from 'node:path'
import {
  beforeCreate,
  beforeSave,
  belongsTo,
  column,
  hasMany,
  hasOne,
  scope,
} from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany, HasOne } from '@adonisjs/lucid/types/relations'
import antenneConfig from '#config/antenne'
import { booleanColumn } from '#models/columns'
import TimestampedModel from '#models/timestamped_model'
import { InvalidRecordException, NotFoundException } from '#exceptions/domain'
import Station from '#models/station'
import Stream from '#models/stream'
import Schedule from '#models/schedule'
import Episode from '#models/episode'
import Diffusion from '#models/diffusion'
import Sound from '#models/sound'

export default class Program extends TimestampedModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare stationId: number

  @column()
  declare title: string

  @column()
  declare slug: string

  @column()
  declare description: string | null

  @column(booleanColumn)
  declare active: boolean

  @column()
  declare path: string | null

  /** Its playlist takes archives whatever their quality (default: only good ones). */
  @column(booleanColumn)
  declare acceptAnyQuality: boolean

  /** Content hash of its uploaded cover (app/images/image_store.ts), none: no cover. */
  @column()
  declare image: string | null

  /** Apple Podcasts category, `Category` or `Category/Subcategory`; none: the default (app/feeds/podcast_categories.ts). */
  @column()
  declare podcastCategory: string | null

  /** Its podcast says `itunes:explicit` true. */
  @column(booleanColumn)
  declare podcastExplicit: boolean

  @belongsTo(() => Station)
  declare station: BelongsTo<typeof Station>

  /** A program with a stream plays in rotation; without one it is scheduled. */
  @hasOne(() => Stream)
  declare stream: HasOne<typeof Stream>

  @hasMany(() => Schedule)
  declare schedules: HasMany<typeof Schedule>

  @hasMany(() => Episode)
  declare episodes: HasMany<typeof Episode>

  @hasMany(() => Diffusion)
  declare diffusions: HasMany<typeof Diffusion>

  @hasMany(() => Sound)
  declare sounds: HasMany<typeof Sound>

  /**
   * The program's sound folder: `path` inside the programs folder
   * (`<station slug>/<program slug>`, set at creation), or an absolute path.
   * Slugs are unique per station only: without the station's name, two
   * stations' programs would share a folder, and one could put sounds on the
   * other's air.
   */
  get soundsDir(): string {
    return programSoundsDir(this.path, this.slug)
  }

  /** The queries of a hook go where the program is saved: its transaction, or its connection. */
  #sameClient() {
    return this.$trx ? { client: this.$trx } : { connection: this.$options?.connection }
  }

  @beforeCreate()
  static async namespaceFolder(program: Program) {
    if (program.path) return
    const station = await Station.query(program.#sameClient())
      .where('id', program.stationId)
      .first()
    if (station) program.path = `${station.slug}/${program.slug}`
  }

  /** A folder is one program's: a path another program uses is refused. */
  @beforeSave()
  static async folderOfItsOwn(program: Program) {
    if (!program.path || !program.$dirty.path) return
    const query = Program.query(program.#sameClient()).where('path', program.path)
    if (program.$isPersisted) query.whereNot('id', program.id)
    const other = await query.first()
    if (other)
      throw new InvalidRecordException(
        `the folder ${program.path} is already the program "${other.slug}"'s (station ${other.stationId})`
      )
  }

  get archivesDir(): string {
    return join(this.soundsDir, 'archives')
  }

  /** Aircox returned the archives folder here too; excerpts have their own. */
  get excerptsDir(): string {
    return join(this.soundsDir, 'excerpts')
  }

  static active = scope((query) => {
    query.where('active', true)
  })

  static station = scope((query, station: Station | number) => {
    query.where('station_id', typeof station === 'number' ? station : station.id)
  })

  /** The station's active program with this slug, as the public site and API show it; a 404 otherwise. */
  static async findPublicOrFail(station: Station, slug: string) {
    const program = await Program.query()
      .withScopes((s) => {
        s.station(station)
        s.active()
      })
      .where('slug', slug)
      .first()
    if (!program) throw new NotFoundException(`no program "${slug}"`)
    return program
  }
}

/** A program's sound folder from its row (see Program.soundsDir). */
export function programSoundsDir(path: string | null, slug: string): string {
  if (!path) return join(antenneConfig.programsDir, slug)
  return isAbsolute(path) ? path : join(antenneConfig.programsDir, path)
}
