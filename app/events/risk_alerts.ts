/*
| When a diffusion at risk is told as a `diffusion_at_risk` event: 24 hours
| before its start, and again an hour before. Pure: the watch (risk_watch.ts)
| gives it the diffusions at risk, those already told, and the time.
|
| A diffusion is due at the nearest threshold it has come within: 30 minutes
| before its start that is "1h", 5 hours before it is "24h". A threshold
| missed while no watch ran (or before the diffusion was at risk) is not told
| late once a nearer one is reached: an hour before, "24 hours before" is
| stale news.
*/
import type { DateTime } from 'luxon'

export const ALERT_THRESHOLDS = [
  { name: '1h', hours: 1 },
  { name: '24h', hours: 24 },
] as const
export type AlertThreshold = (typeof ALERT_THRESHOLDS)[number]['name']

/** The furthest threshold: the watch looks this far ahead. */
export const ALERT_HORIZON_HOURS = Math.max(...ALERT_THRESHOLDS.map((t) => t.hours))

/** The threshold a diffusion starting at `start` has reached at `now`; null if not within one, or started. */
export function reachedThreshold(start: DateTime, now: DateTime): AlertThreshold | null {
  const left = start.toMillis() - now.toMillis()
  if (left <= 0) return null
  const threshold = ALERT_THRESHOLDS.find((t) => left <= t.hours * 3600_000)
  return threshold?.name ?? null
}

export interface DueAlert<T> {
  diffusion: T
  threshold: AlertThreshold
}

/** The alerts to tell at `now`: one per diffusion at its reached threshold, unless told already. */
export function dueAlerts<T extends { id: number; start: DateTime }>(
  atRisk: T[],
  told: ReadonlySet<string>,
  now: DateTime
): DueAlert<T>[] {
  const due: DueAlert<T>[] = []
  for (const diffusion of atRisk) {
    const threshold = reachedThreshold(diffusion.start, now)
    if (threshold && !told.has(alertKey(diffusion.id, threshold)))
      due.push({ diffusion, threshold })
  }
  return due
}

export function alertKey(diffusionId: number, threshold: string) {
  return `${diffusionId}:${threshold}`
}
