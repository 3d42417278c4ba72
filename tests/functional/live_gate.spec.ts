import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { liveGateCommand } from '#live/live_gate_command'
import { liveKeyHash, type LiveCredentials } from '#live/live_login_rules'

const run = promisify(execFile)

/** The gate as Liquidsoap runs it: its command through /bin/sh, the login in a bare environment. */
async function gate(credentials: string, attempts: string, user: string, password: string) {
  const started = Date.now()
  const { stdout } = await run('/bin/sh', ['-c', liveGateCommand(credentials, attempts)], {
    env: {
      ANTENNE_LIVE_USER: user,
      ANTENNE_LIVE_PASSWORD: password,
      ANTENNE_LIVE_ADDRESS: '198.51.100.7',
    },
    timeout: 20_000,
  })
  return { answer: stdout.trim(), ms: Date.now() - started }
}

test.group('The live gate, run as Liquidsoap runs it', (group) => {
  let dir: string
  let credentials: string
  let attempts: string
  group.each.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), "antenne-gate-it's "))
    credentials = join(dir, 'live-credentials.json')
    attempts = join(dir, 'live-attempts.jsonl')
    const now = Math.floor(Date.now() / 1000)
    const file: LiveCredentials = {
      station: 'radio',
      writtenAt: now,
      stationKeyHash: liveKeyHash('the-studio-key'),
      hosts: [
        {
          userId: 3,
          email: 'host@example.org',
          keyHash: liveKeyHash('the-host-key'),
          revokedHashes: [],
          windows: [{ from: now - 60, to: now + 600, diffusionId: 9 }],
        },
      ],
    }
    await writeFile(credentials, JSON.stringify(file), { mode: 0o600 })
    return () => rm(dir, { recursive: true, force: true })
  })

  test('it needs no database: a host in their slot is accepted with the cut time, the attempt kept for the streamer (0600)', async ({
    assert,
  }) => {
    const { answer } = await gate(credentials, attempts, 'host@example.org', 'the-host-key')
    const [word, cutAt] = answer.split(' ')
    assert.equal(word, 'accept')
    assert.closeTo(Number(cutAt), Date.now() / 1000 + 600, 5)
    assert.equal((await stat(attempts)).mode & 0o777, 0o600)
    const line = JSON.parse(await readFile(attempts, 'utf8'))
    assert.deepInclude(line, {
      user: 'host@example.org',
      address: '198.51.100.7',
      accepted: true,
      reason: 'in_slot',
      userId: 3,
      diffusionId: 9,
    })
    assert.notInclude(await readFile(attempts, 'utf8'), 'the-host-key')
  })

  test('a wrong key is answered a second late; the studio key at once, never cut', async ({
    assert,
  }) => {
    const wrong = await gate(credentials, attempts, 'host@example.org', 'a-guess')
    assert.equal(wrong.answer, 'refuse wrong_key')
    assert.isAtLeast(wrong.ms, 1000)
    assert.equal(
      (await gate(credentials, attempts, 'anything', 'the-studio-key')).answer,
      'accept 0'
    )
  })

  test('a missing or corrupt credentials file refuses everyone, the studio included, and says so', async ({
    assert,
  }) => {
    await writeFile(credentials, '{"station": "radio", "hosts": "oops"')
    assert.equal(
      (await gate(credentials, attempts, 'anything', 'the-studio-key')).answer,
      'refuse no_credentials'
    )
    await rm(credentials)
    assert.equal(
      (await gate(credentials, attempts, 'anything', 'the-studio-key')).answer,
      'refuse no_credentials'
    )
    const reasons = (await readFile(attempts, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).reason)
    assert.deepEqual(reasons, ['no_credentials', 'no_credentials'])
  })
})
