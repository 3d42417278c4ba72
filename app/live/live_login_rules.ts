/*
| Who may go live, and when: the decision the live gate makes for each login
| at a station's live input, from the credentials file the streamer keeps
| (so that it holds while the database is away). Pure: no clock, no file.
|
| The order of the checks: an address that failed too often is refused
| before its key is even compared; the studio's station key works at any
| time under any user name; a host (their e-mail as user name) is let in
| with their own key during one of their programs' diffusions only, from
| `marginBefore` before its start to `marginAfter` after its end, and is
| cut at that same instant.
*/
import { createHash, timingSafeEqual } from 'node:crypto'

/** One diffusion slot of a host: accepted in [from, to), disconnected at `to`. Unix seconds. */
export interface LiveWindow {
  from: number
  to: number
  diffusionId: number
}

export interface LiveHost {
  userId: number
  /** Lower case: the user name a source client sends. */
  email: string
  keyHash: string
  /** Their revoked keys' hashes, so that a refusal can say why. */
  revokedHashes: string[]
  windows: LiveWindow[]
}

/** What the streamer writes for the gate: no key in clear, only hashes. */
export interface LiveCredentials {
  station: string
  /** When it was written (unix seconds). */
  writtenAt: number
  stationKeyHash: string | null
  hosts: LiveHost[]
}

export interface LiveLogin {
  user: string
  password: string
  address: string
}

export type LiveDecision =
  | {
      accepted: true
      reason: 'in_slot' | 'station_key'
      userId: number | null
      diffusionId: number | null
      /** When the source is disconnected (unix seconds); null: never (the station key). */
      cutAt: number | null
    }
  | {
      accepted: false
      reason: 'unknown_user' | 'wrong_key' | 'revoked' | 'outside_slot' | 'throttled'
      userId: number | null
    }

/** Failures from one address counted over this long (seconds). */
export const THROTTLE_WINDOW = 15 * 60
/** Failures in the window before the address is locked out. */
export const THROTTLE_AFTER = 5
/** The first lockout (seconds), doubled at each failure past THROTTLE_AFTER, at most THROTTLE_MAX. */
export const THROTTLE_BASE = 30
export const THROTTLE_MAX = 3600

export function liveKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex')
}

function sameHash(a: string, b: string) {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Until when an address is refused without a look at its key, from its
 * recent failures (unix seconds, any order); null: it may try.
 */
export function lockedUntil(failures: number[], now: number): number | null {
  const recent = failures.filter((t) => t > now - THROTTLE_WINDOW && t <= now)
  if (recent.length < THROTTLE_AFTER) return null
  const last = Math.max(...recent)
  const lockout = Math.min(THROTTLE_BASE * 2 ** (recent.length - THROTTLE_AFTER), THROTTLE_MAX)
  return last + lockout > now ? last + lockout : null
}

export function decideLiveLogin(
  credentials: LiveCredentials,
  login: LiveLogin,
  failures: number[],
  now: number
): LiveDecision {
  const email = login.user.trim().toLowerCase()
  const host = credentials.hosts.find((h) => h.email === email) ?? null
  const userId = host?.userId ?? null
  if (lockedUntil(failures, now) !== null) return { accepted: false, reason: 'throttled', userId }

  const hash = liveKeyHash(login.password)
  if (credentials.stationKeyHash && sameHash(hash, credentials.stationKeyHash))
    return { accepted: true, reason: 'station_key', userId, diffusionId: null, cutAt: null }
  if (!host) return { accepted: false, reason: 'unknown_user', userId }
  if (!sameHash(hash, host.keyHash)) {
    const revoked = host.revokedHashes.some((h) => sameHash(hash, h))
    return { accepted: false, reason: revoked ? 'revoked' : 'wrong_key', userId }
  }
  const slot = host.windows.find((w) => w.from <= now && now < w.to)
  if (!slot) return { accepted: false, reason: 'outside_slot', userId }
  return {
    accepted: true,
    reason: 'in_slot',
    userId,
    diffusionId: slot.diffusionId,
    cutAt: slot.to,
  }
}

/** Whether a parsed file is credentials this gate can read (it is written by another process). */
export function isLiveCredentials(value: unknown): value is LiveCredentials {
  const c = value as LiveCredentials
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.station === 'string' &&
    (c.stationKeyHash === null || typeof c.stationKeyHash === 'string') &&
    Array.isArray(c.hosts) &&
    c.hosts.every(
      (h) =>
        typeof h.email === 'string' &&
        typeof h.keyHash === 'string' &&
        Array.isArray(h.revokedHashes) &&
        Array.isArray(h.windows) &&
        h.windows.every((w) => Number.isFinite(w.from) && Number.isFinite(w.to))
    )
  )
}
