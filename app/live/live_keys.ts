/*
| A host's live key: made here, shown once to whoever asked for it (the CMS
| page or `node ace live:key`), kept only as its SHA-256 and its first
| characters. A host has one active key: a new one revokes the last, so a
| key that leaked is dealt with by making another. Every change touches the
| change stamp, so that the running streamer rewrites the station's
| credentials file at once rather than at its next resync.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import LiveKey, { generateLiveKey } from '#models/live_key'
import { liveKeyHash } from '#live/live_login_rules'
import User from '#models/user'
import { touchChangeStamp } from '#models/change_stamp'
import { sqlDateTime } from '#models/columns'

/** How many characters of a key are kept in clear, so that a host can tell which key they hold. */
export const LIVE_KEY_HINT_LENGTH = 6

export interface IssuedLiveKey {
  /** The key itself: shown once, stored nowhere. */
  key: string
  liveKey: LiveKey
}

/** A new key for this user; their active key, if any, is revoked in the same transaction. */
export async function issueLiveKey(user: User): Promise<IssuedLiveKey> {
  const key = generateLiveKey()
  const liveKey = await db.transaction(async (trx) => {
    // Two requests at once (two tabs) must not leave two active keys: the
    // user's row is the lock (SQLite's transactions are immediate already).
    await User.query({ client: trx }).where('id', user.id).forUpdate().firstOrFail()
    const now = DateTime.utc()
    await revokeActiveKeys(trx, user.id, now)
    return LiveKey.create(
      {
        userId: user.id,
        keyHash: liveKeyHash(key),
        hint: key.slice(0, LIVE_KEY_HINT_LENGTH),
        createdAt: now,
        revokedAt: null,
        lastUsedAt: null,
      },
      { client: trx }
    )
  })
  touchChangeStamp()
  return { key, liveKey }
}

/** Revokes the user's active key; the key revoked, or null when they had none. */
export async function revokeLiveKey(user: Pick<User, 'id'>): Promise<LiveKey | null> {
  const revoked = await db.transaction(async (trx) => {
    const active = await LiveKey.query({ client: trx })
      .where('user_id', user.id)
      .withScopes((s) => s.active())
      .orderBy('id', 'desc')
      .first()
    if (!active) return null
    await revokeActiveKeys(trx, user.id, DateTime.utc())
    await active.refresh()
    return active
  })
  if (revoked) touchChangeStamp()
  return revoked
}

/** The user's key as a page shows it: the active one, else the last revoked; null if they never had one. */
export async function currentLiveKey(user: Pick<User, 'id'>): Promise<LiveKey | null> {
  return LiveKey.query()
    .where('user_id', user.id)
    .orderByRaw('case when revoked_at is null then 0 else 1 end')
    .orderBy('id', 'desc')
    .first()
}

/** Each user's current key (see currentLiveKey), for a list of users. */
export async function currentLiveKeys(userIds: number[]): Promise<Map<number, LiveKey>> {
  const keys = new Map<number, LiveKey>()
  if (!userIds.length) return keys
  const rows = await LiveKey.query().whereIn('user_id', userIds).orderBy('id', 'desc')
  for (const row of rows) {
    const held = keys.get(row.userId)
    if (!held || (held.revokedAt !== null && row.revokedAt === null)) keys.set(row.userId, row)
  }
  return keys
}

async function revokeActiveKeys(trx: TransactionClientContract, userId: number, now: DateTime) {
  await LiveKey.query({ client: trx })
    .where('user_id', userId)
    .withScopes((s) => s.active())
    .update({ revoked_at: sqlDateTime(now) })
}
