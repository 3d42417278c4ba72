/*
| When to start Liquidsoap again after it stopped: the pure rule the
| supervisor follows. A script that has already run fine comes back at once
| and within a couple of seconds however often it crashes (listeners wait on
| Icecast's fallback mount meanwhile); the count resets after a short stable
| run. A script that never came up is another matter (a port taken, a broken
| install): it is retried slower, and reported.
*/

export interface RestartPolicy {
  /** Delays (ms) of the restarts of a script that ran fine, in order; the last one repeats. */
  quick: number[]
  /** A run this long (ms) counts as stable and resets the count. */
  stableAfter: number
  /** A script that never answered: first delay (ms), doubling up to `slowMax`. */
  slowFirst: number
  slowMax: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  quick: [0, 250, 500, 1000, 2000],
  stableAfter: 10_000,
  slowFirst: 2000,
  slowMax: 30_000,
}

export interface RestartState {
  /** Restarts since the last stable run (0 for the first one). */
  attempt: number
  /** Whether this script has answered on its socket at least once. */
  proven: boolean
}

/** The state after a run of `uptime` ms ended. */
export function afterExit(
  state: RestartState,
  uptime: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY
): RestartState {
  return {
    attempt: state.proven && uptime >= policy.stableAfter ? 0 : state.attempt,
    proven: state.proven,
  }
}

/** Delay before the next start. */
export function restartDelay(
  state: RestartState,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY
): number {
  if (state.proven) return policy.quick[Math.min(state.attempt, policy.quick.length - 1)]
  return Math.min(policy.slowMax, policy.slowFirst * 2 ** Math.max(0, state.attempt))
}
