import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { column, manyToMany } from '@adonisjs/lucid/orm'
import TimestampedModel from '#models/timestamped_model'
import type { ManyToMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import { DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import Station from '#models/station'
import Program from '#models/program'

export const USER_ROLES = ['admin', 'manager', 'host'] as const
export type UserRole = (typeof USER_ROLES)[number]

// Finds a user by email and verifies the password in constant time; hashes it on save.
const AuthFinder = withAuthFinder(() => hash.use('scrypt'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

/**
 * Staff of the CMS. admin: everything; manager: the programs, schedules,
 * diffusions and outputs of its stations; host: the episodes, sounds and
 * tracks of its programs.
 */
export default class User extends compose(TimestampedModel, AuthFinder) {
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

  /** Raised to end every session of the account (app/cms/staff_sessions.ts). */
  @column({ serializeAs: null })
  declare sessionVersion: number

  @manyToMany(() => Station, { pivotTable: 'station_user' })
  declare stations: ManyToMany<typeof Station>

  @manyToMany(() => Program, { pivotTable: 'program_user' })
  declare programs: ManyToMany<typeof Program>

  /** Personal API tokens: `ant_` + a random secret, kept hashed; they expire after a year. */
  static accessTokens = DbAccessTokensProvider.forModel(User, {
    prefix: 'ant_',
    expiresIn: '365 days',
    table: 'auth_access_tokens',
  })

  get displayName(): string {
    return this.fullName || this.email
  }

  verifyPassword(plain: string) {
    return hash.verify(this.password, plain)
  }
}
