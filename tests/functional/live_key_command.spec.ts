import { test } from '@japa/runner'
import { utimesSync } from 'node:fs'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import LiveKeyCommand from '#commands/live_key'
import LiveKey from '#models/live_key'
import { liveKeyHash } from '#live/live_login_rules'
import { changeStampPath, readChangeStamp, touchChangeStamp } from '#models/change_stamp'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { LiveKeyFactory } from '#database/factories/live_factories'
import { runCommand } from '#tests/helpers'

const KEY = /^[A-Za-z0-9_-]{43}$/

/** `node ace live:key ...args`, in this process: what went to stdout, what to stderr, the exit code. */
async function liveKey(...args: string[]) {
  const { command, exitCode } = await runCommand(LiveKeyCommand, args)
  const logs = command.ui.logger.getLogs()
  const lines = (stream: 'stdout' | 'stderr') =>
    logs.filter((log) => log.stream === stream).map((log) => log.message)
  return { exitCode, stdout: lines('stdout'), stderr: lines('stderr') }
}

const keysOf = (userId: number) =>
  db.from('live_keys').where('user_id', userId).orderBy('id').select('*')

/** A host of a program. */
async function newHost() {
  const program = await ProgramFactory.merge({
    stationId: (await StationFactory.create()).id,
  }).create()
  const user = await UserFactory.merge({ email: `host-${Date.now()}@radio.example` }).create()
  await user.related('programs').attach([program.id])
  return user
}

/** The change stamp set an hour back, so that a touch shows. */
function ageChangeStamp() {
  touchChangeStamp()
  const past = new Date(Date.now() - 3600_000)
  utimesSync(changeStampPath(), past, past)
  return readChangeStamp()
}

test.group('node ace live:key', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('prints the key once, alone on stdout, and stores only its SHA-256 and its first 6 characters', async ({
    assert,
  }) => {
    const host = await newHost()
    const stamp = ageChangeStamp()
    const { exitCode, stdout, stderr } = await liveKey(host.email)
    assert.equal(exitCode, 0, stderr.join('\n'))
    assert.lengthOf(stdout, 1, stdout.join('\n'))
    const key = stdout[0]
    assert.match(key, KEY)
    assert.isFalse(
      stderr.some((line) => line.includes(key)),
      'the key is not repeated on stderr'
    )
    assert.isTrue(stderr.some((line) => line.includes(key.slice(0, 6))))

    const rows = await keysOf(host.id)
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].key_hash, liveKeyHash(key))
    assert.equal(rows[0].hint, key.slice(0, 6))
    assert.isNull(rows[0].revoked_at)
    assert.notInclude(JSON.stringify(rows), key, 'the key itself is stored nowhere')
    assert.isAbove(readChangeStamp(), stamp, 'the streamer is told')
  })

  test('a second key revokes the first: one active key per host', async ({ assert }) => {
    const host = await newHost()
    const first = (await liveKey(host.email)).stdout[0]
    const second = (await liveKey(host.email.toUpperCase())).stdout[0]
    assert.notEqual(first, second)
    const rows = await keysOf(host.id)
    assert.lengthOf(rows, 2)
    assert.equal(rows[0].key_hash, liveKeyHash(first))
    assert.isNotNull(rows[0].revoked_at)
    assert.equal(rows[1].key_hash, liveKeyHash(second))
    assert.isNull(rows[1].revoked_at)
    assert.lengthOf(
      await LiveKey.query()
        .where('user_id', host.id)
        .withScopes((s) => s.active()),
      1
    )
  })

  test('--revoke revokes the active key and prints no key; a second --revoke says there is none', async ({
    assert,
  }) => {
    const host = await newHost()
    await liveKey(host.email)
    const stamp = ageChangeStamp()
    const revoked = await liveKey(host.email, '--revoke')
    assert.equal(revoked.exitCode, 0, revoked.stderr.join('\n'))
    assert.deepEqual(revoked.stdout, [])
    assert.match(revoked.stderr.join('\n'), /revoked/)
    const rows = await keysOf(host.id)
    assert.lengthOf(rows, 1)
    assert.isNotNull(rows[0].revoked_at)
    assert.isAbove(readChangeStamp(), stamp, 'the streamer is told')

    const again = await liveKey(host.email, '--revoke')
    assert.equal(again.exitCode, 0)
    assert.match(again.stderr.join('\n'), /no active live key/)
  })

  test('an unknown e-mail: one E_INVALID_ARGUMENT line, exit 1, no key printed, nothing changed', async ({
    assert,
  }) => {
    const host = await newHost()
    await LiveKeyFactory.merge({ userId: host.id }).create()
    const before = await db.from('live_keys').orderBy('id').select('*')
    for (const args of [['nobody@radio.example'], ['nobody@radio.example', '--revoke']]) {
      const { exitCode, stdout, stderr } = await liveKey(...args)
      assert.equal(exitCode, 1)
      assert.deepEqual(stdout, [])
      const errors = stderr.filter((line) => line.includes('E_'))
      assert.lengthOf(errors, 1, stderr.join('\n'))
      assert.match(
        errors[0],
        /E_INVALID_ARGUMENT: no account with the e-mail nobody@radio\.example/
      )
    }
    assert.deepEqual(await db.from('live_keys').orderBy('id').select('*'), before)
  })

  test('warns on stderr when the account hosts no program (the key would open nothing)', async ({
    assert,
  }) => {
    const loner = await UserFactory.create()
    const { exitCode, stdout, stderr } = await liveKey(loner.email)
    assert.equal(exitCode, 0)
    assert.match(stdout[0], KEY)
    assert.match(stderr.join('\n'), /hosts no program/)
  })
})
