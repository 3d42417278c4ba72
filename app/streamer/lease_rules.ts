/*
| The rules of a station's lease on one node (pure; station_leadership.ts is
| the I/O). The invariant: a node's Liquidsoap stops its outputs before the
| database can let another node take the lease, so two sources never fight
| for a mount.
|
| A renewal sent at `sentAt` (this host's clock) makes the lease expire at
| the database's now + duration, which is no earlier than sentAt + duration
| whatever the clocks say. Liquidsoap is told to stop its outputs at
| sentAt + duration - margin: `margin` before the earliest expiry. It does
| so by itself (a thread in its script), so a streamer killed, stopped or
| cut off cannot keep it on air.
*/

export interface LeaseTiming {
  /** How long a lease lasts once taken or renewed (ms). */
  durationMs: number
  /** How long before the earliest expiry the outputs stop (ms). */
  marginMs: number
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { durationMs: 3000, marginMs: 1000 }

/** The leader renews this often: three tries before its outputs stop. */
export function renewInterval(timing: LeaseTiming): number {
  return Math.max(100, Math.floor((timing.durationMs - timing.marginMs) / 3))
}

/** A standby looks for an expired lease this often. */
export function standbyInterval(timing: LeaseTiming): number {
  return Math.max(50, Math.min(250, Math.floor(timing.durationMs / 12)))
}

/** Until when the outputs may stay on after a renewal sent at `sentAt`. */
export function fenceDeadline(sentAt: number, timing: LeaseTiming): number {
  return sentAt + timing.durationMs - timing.marginMs
}

export type RenewOutcome = 'renewed' | 'taken' | 'unreachable'

export type LeaderAction =
  | { kind: 'extend'; until: number }
  | { kind: 'step_down'; reason: 'taken' | 'unreachable' }
  | { kind: 'wait' }

/**
 * What a leader does after a renewal: extend its outputs; step down when
 * another node holds the lease; or, the database not answering, keep playing
 * until its deadline (Liquidsoap stops by itself then) and step down after.
 */
export function afterRenew(
  outcome: RenewOutcome,
  sentAt: number,
  deadline: number,
  now: number,
  timing: LeaseTiming
): LeaderAction {
  if (outcome === 'renewed') return { kind: 'extend', until: fenceDeadline(sentAt, timing) }
  if (outcome === 'taken') return { kind: 'step_down', reason: 'taken' }
  return now >= deadline ? { kind: 'step_down', reason: 'unreachable' } : { kind: 'wait' }
}

/**
 * A node that just took the lease: its Liquidsoap was still on air as leader
 * (this node restarted within its lease), so the monitor goes on as after an
 * adoption; else the Liquidsoap was standing by and takes over, which the
 * monitor sees as a new Liquidsoap (the diffusion resumed at its offset).
 */
export function takeoverKind(liquidsoapLeaseUntil: number, now: number): 'continue' | 'takeover' {
  return liquidsoapLeaseUntil > now ? 'continue' : 'takeover'
}
