/*
| The live gate: what a station's Liquidsoap runs (its harbor's `auth`) for
| each login at the live input. It boots nothing of the app and touches no
| database, so that it answers in milliseconds and while the database is
| away: it reads the credentials file the streamer keeps current, decides
| (live_login_rules.ts), appends the attempt to the station's attempts file,
| which the streamer imports into `live_attempts` and events, and prints one
| line: `accept <cut at, unix seconds, 0: never>` or `refuse <reason>`.
|
|   node live_gate.js <credentials.json> <attempts.jsonl>
|   with ANTENNE_LIVE_USER, ANTENNE_LIVE_PASSWORD and ANTENNE_LIVE_ADDRESS
|
| The password comes in the environment, never in the arguments: only its
| owner reads a process's environment; anyone on the host reads its command.
*/
import { randomUUID } from 'node:crypto'
import { appendFileSync, closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  decideLiveLogin,
  isLiveCredentials,
  type LiveCredentials,
  type LiveDecision,
} from './live_login_rules.js'

/** A wrong key is answered this late: a guesser gets one try a second per connection. */
const WRONG_KEY_DELAY_MS = 1000
/** How much of the attempts file's end is read for the address's recent failures. */
const TAIL_BYTES = 256 * 1024

export interface AttemptLine {
  uuid: string
  /** Unix milliseconds. */
  at: number
  user: string
  address: string
  accepted: boolean
  reason: string
  userId: number | null
  diffusionId: number | null
}

function readCredentials(path: string): LiveCredentials | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8'))
    return isLiveCredentials(parsed) ? parsed : null
  } catch {
    return null
  }
}

/** The end of the attempts file, as lines (the first one may be cut: it is dropped). */
function tailLines(path: string): string[] {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return []
  }
  try {
    const size = fstatSync(fd).size
    const length = Math.min(size, TAIL_BYTES)
    const buffer = Buffer.alloc(length)
    readSync(fd, buffer, 0, length, size - length)
    const lines = buffer.toString('utf8').split('\n')
    return size > length ? lines.slice(1) : lines
  } finally {
    closeSync(fd)
  }
}

/** When this address failed lately (unix seconds). */
export function failuresOf(lines: string[], address: string): number[] {
  const failures: number[] = []
  for (const line of lines) {
    if (!line.includes(address)) continue
    try {
      const attempt = JSON.parse(line) as AttemptLine
      if (attempt.address === address && !attempt.accepted && attempt.reason !== 'throttled')
        failures.push(attempt.at / 1000)
    } catch {}
  }
  return failures
}

function main(): number {
  const [credentialsPath, attemptsPath] = process.argv.slice(2)
  const user = (process.env.ANTENNE_LIVE_USER ?? '').slice(0, 190)
  const password = process.env.ANTENNE_LIVE_PASSWORD ?? ''
  const address = (process.env.ANTENNE_LIVE_ADDRESS ?? '').slice(0, 64)
  if (!credentialsPath || !attemptsPath) {
    process.stderr.write('usage: live_gate <credentials.json> <attempts.jsonl>\n')
    process.stdout.write('refuse usage\n')
    return 2
  }
  const now = Date.now()
  const credentials = readCredentials(credentialsPath)
  const decision: LiveDecision | { accepted: false; reason: 'no_credentials'; userId: null } =
    credentials
      ? decideLiveLogin(
          credentials,
          { user, password, address },
          failuresOf(tailLines(attemptsPath), address),
          now / 1000
        )
      : { accepted: false, reason: 'no_credentials', userId: null }
  const line: AttemptLine = {
    uuid: randomUUID(),
    at: now,
    user,
    address,
    accepted: decision.accepted,
    reason: decision.reason,
    userId: decision.userId,
    diffusionId: decision.accepted ? decision.diffusionId : null,
  }
  try {
    appendFileSync(attemptsPath, `${JSON.stringify(line)}\n`, { mode: 0o600 })
  } catch (error) {
    // A full disk loses the attempt's record, not the show.
    process.stderr.write(`live gate: cannot record the attempt: ${(error as Error).message}\n`)
  }
  if (decision.accepted) {
    process.stdout.write(`accept ${decision.cutAt ?? 0}\n`)
    return 0
  }
  if (decision.reason === 'wrong_key' || decision.reason === 'unknown_user')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WRONG_KEY_DELAY_MS)
  process.stdout.write(`refuse ${decision.reason}\n`)
  return 0
}

// Run, not imported (the tests import failuresOf).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1]))
  process.exitCode = main()
