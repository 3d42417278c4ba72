import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { utcInstant } from '#models/columns'
import User from '#models/user'

/**
 * A host's key to the live input of the stations of their programs. Only its
 * SHA-256 is kept (liveKeyHash in #live/live_login_rules, which the gate
 * shares): the key itself is shown once, when it is made.
 */
export default class LiveKey extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column({ serializeAs: null })
  declare keyHash: string

  @column()
  declare hint: string

  @column.dateTime(utcInstant)
  declare createdAt: DateTime

  @column.dateTime(utcInstant)
  declare revokedAt: DateTime | null

  @column.dateTime(utcInstant)
  declare lastUsedAt: DateTime | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  static active = scope((query) => {
    query.whereNull('revoked_at')
  })
}

/** 43 characters of base64url from 32 random bytes. */
export function generateLiveKey(): string {
  return randomBytes(32).toString('base64url')
}
