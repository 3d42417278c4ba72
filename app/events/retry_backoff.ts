/*
| When a sink that failed is tried again: doubling from a first delay, capped.
| (Liquidsoap restarts follow their own rule: app/streamer/restart_policy.ts.)
*/

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, policy: { first: number; max: number }): number {
  return Math.min(policy.max, policy.first * 2 ** Math.max(0, attempt))
}
