import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import LiveKey, { generateLiveKey } from '#models/live_key'
import { liveKeyHash } from '#live/live_login_rules'
import LiveAttempt from '#models/live_attempt'
import { UserFactory } from '#database/factories/user_factory'

/** A host's active live key, made just now; its clear key is gone, as in life (issueLiveKey returns one). */
export const LiveKeyFactory = factory
  .define(LiveKey, () => {
    const key = generateLiveKey()
    return {
      keyHash: liveKeyHash(key),
      hint: key.slice(0, 6),
      createdAt: DateTime.utc(),
      revokedAt: null,
      lastUsedAt: null,
    }
  })
  .state('revoked', (key) => (key.revokedAt = DateTime.utc()))
  .relation('user', () => UserFactory)
  .build()

/** A login refused at a station's live input just now (give it a stationId). */
export const LiveAttemptFactory = factory
  .define(LiveAttempt, () => ({
    uuid: randomUUID(),
    userName: 'someone@radio.example',
    address: '192.0.2.10',
    at: DateTime.utc(),
    accepted: false,
    reason: 'wrong_key' as const,
    userId: null,
    diffusionId: null,
  }))
  .state('accepted', (attempt) => {
    attempt.accepted = true
    attempt.reason = 'in_slot'
  })
  .relation('user', () => UserFactory)
  .build()
