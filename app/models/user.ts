import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { BaseModel, beforeSave, column, manyToMany } from '@adonisjs/lucid/orm'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import Station from '#models/station'
import Program from '#models/program'
import { utcInstant } from '#models/columns'

export const USER_ROLES = ['admin', 'manager', 'host'] as const
export type UserRole = (typeof USER_ROLES)[number]

/**
 * Staff of the CMS. admin: everything; manager: the programs, schedules,
 * diffusions and outputs of its stations; host: the episodes, sounds and
 * tracks of its programs.
 */
export default class User extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare fullName: string | null

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare role: UserRole

  @column.dateTime({ ...utcInstant, autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ ...utcInstant, autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @manyToMany(() => Station, { pivotTable: 'station_user' })
  declare stations: ManyToMany<typeof Station>

  @manyToMany(() => Program, { pivotTable: 'program_user' })
  declare programs: ManyToMany<typeof Program>

  @beforeSave()
  static async hashPassword(user: User) {
    if (user.$dirty.password) user.password = await hash.make(user.password)
  }

  verifyPassword(plain: string) {
    return hash.verify(this.password, plain)
  }
}
