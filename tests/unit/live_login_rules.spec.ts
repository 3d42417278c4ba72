import { test } from '@japa/runner'
import {
  decideLiveLogin,
  isLiveCredentials,
  liveKeyHash,
  lockedUntil,
  THROTTLE_AFTER,
  THROTTLE_BASE,
  type LiveCredentials,
} from '#live/live_login_rules'
import { failuresOf } from '#live/live_gate'
import { parseAttemptLine } from '#live/live_attempts_import'

const NOW = 1_800_000_000
const credentials: LiveCredentials = {
  station: 'radio',
  writtenAt: NOW - 60,
  stationKeyHash: liveKeyHash('studio-key'),
  hosts: [
    {
      userId: 7,
      email: 'alice@example.org',
      keyHash: liveKeyHash('alice-key'),
      revokedHashes: [liveKeyHash('alice-old-key')],
      windows: [{ from: NOW - 600, to: NOW + 3600, diffusionId: 42 }],
    },
    {
      userId: 8,
      email: 'bob@example.org',
      keyHash: liveKeyHash('bob-key'),
      revokedHashes: [],
      windows: [{ from: NOW + 7200, to: NOW + 10800, diffusionId: 43 }],
    },
  ],
}
const login = (user: string, password: string) => ({ user, password, address: '192.0.2.1' })

test.group('Live logins', () => {
  test('a host with their key in their slot is let in and cut at its end', ({ assert }) => {
    assert.deepEqual(
      decideLiveLogin(credentials, login('Alice@Example.org ', 'alice-key'), [], NOW),
      {
        accepted: true,
        reason: 'in_slot',
        userId: 7,
        diffusionId: 42,
        cutAt: NOW + 3600,
      }
    )
  })

  test('the same key outside the slot, at its very end included, is refused', ({ assert }) => {
    for (const at of [NOW - 601, NOW + 3600])
      assert.deepInclude(
        decideLiveLogin(credentials, login('alice@example.org', 'alice-key'), [], at),
        {
          accepted: false,
          reason: 'outside_slot',
        }
      )
    assert.deepInclude(decideLiveLogin(credentials, login('bob@example.org', 'bob-key'), [], NOW), {
      accepted: false,
      reason: 'outside_slot',
      userId: 8,
    })
  })

  test("another host's key, a wrong key, a revoked key and an unknown user are refused, each saying why", ({
    assert,
  }) => {
    const reason = (user: string, password: string) =>
      decideLiveLogin(credentials, login(user, password), [], NOW).reason
    assert.equal(reason('alice@example.org', 'bob-key'), 'wrong_key')
    assert.equal(reason('alice@example.org', ''), 'wrong_key')
    assert.equal(reason('alice@example.org', 'alice-old-key'), 'revoked')
    assert.equal(reason('mallory@example.org', 'alice-key'), 'unknown_user')
  })

  test('the station key works at any time, whatever the user name, and is never cut', ({
    assert,
  }) => {
    for (const user of ['source', 'alice@example.org', ''])
      assert.deepEqual(
        decideLiveLogin(credentials, login(user, 'studio-key'), [], NOW + 86_400 * 30),
        {
          accepted: true,
          reason: 'station_key',
          userId: user.startsWith('alice') ? 7 : null,
          diffusionId: null,
          cutAt: null,
        }
      )
  })

  test('after repeated failures an address is locked out, longer at each, before any key is compared', ({
    assert,
  }) => {
    const failures = Array.from({ length: THROTTLE_AFTER }, (_, i) => NOW - 10 + i)
    const last = Math.max(...failures)
    assert.isNull(lockedUntil(failures.slice(1), NOW))
    assert.equal(lockedUntil(failures, NOW), last + THROTTLE_BASE)
    assert.equal(lockedUntil([...failures, NOW], NOW), NOW + THROTTLE_BASE * 2)
    assert.deepInclude(
      decideLiveLogin(credentials, login('alice@example.org', 'alice-key'), failures, NOW),
      {
        accepted: false,
        reason: 'throttled',
      }
    )
    // The lockout passes, and old failures are forgotten.
    assert.isNull(lockedUntil(failures, last + THROTTLE_BASE))
    assert.isNull(lockedUntil(failures, NOW + 3600))
  })

  test('the gate counts the failures of one address from its file, not its throttled refusals', ({
    assert,
  }) => {
    const line = (address: string, accepted: boolean, reason: string, at: number) =>
      JSON.stringify({ uuid: 'x', at: at * 1000, user: 'u', address, accepted, reason })
    const lines = [
      line('192.0.2.1', false, 'wrong_key', NOW - 3),
      line('192.0.2.10', false, 'wrong_key', NOW - 2),
      line('192.0.2.1', true, 'in_slot', NOW - 1),
      line('192.0.2.1', false, 'throttled', NOW),
      '{"cut in half',
    ]
    assert.deepEqual(failuresOf(lines, '192.0.2.1'), [NOW - 3])
  })

  test('a credentials file or an attempt line that is not what the gate writes is refused', ({
    assert,
  }) => {
    assert.isTrue(isLiveCredentials(JSON.parse(JSON.stringify(credentials))))
    assert.isFalse(isLiveCredentials(null))
    assert.isFalse(isLiveCredentials({ station: 'x', stationKeyHash: 1, hosts: [] }))
    assert.isFalse(isLiveCredentials({ ...credentials, hosts: [{ email: 'a', windows: [{}] }] }))
    const good = {
      uuid: '0b5c3c4e-5e3c-4f7a-9d2a-0d3b9b7f3a10',
      at: NOW * 1000,
      user: 'a'.repeat(300),
      address: '192.0.2.1',
      accepted: false,
      reason: 'wrong_key',
      userId: 7,
      diffusionId: null,
    }
    assert.equal(parseAttemptLine(JSON.stringify(good))!.user.length, 190)
    assert.isNull(parseAttemptLine(JSON.stringify({ ...good, reason: 'because' })))
    assert.isNull(parseAttemptLine(JSON.stringify({ ...good, uuid: "x'; drop table" })))
    assert.isNull(parseAttemptLine('not json'))
    assert.isNull(parseAttemptLine(JSON.stringify({ ...good, userId: -1 }))?.userId)
  })
})
