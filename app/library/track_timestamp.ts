/*
| Where a track starts inside its sound: whole seconds, from 0 to the
| sound's duration. An episode's running order has no sound (or a sound
| whose duration is not measured yet): a day is the most a timestamp can
| mean there. Without these bounds a CSV or the API stored 10^23 s (a REAL
| in an integer column) that the CMS form could then not save back.
*/

/** 24 h: the longest a timestamp may be when no duration bounds it. */
export const MAX_TRACK_TIMESTAMP = 24 * 3600

/** The last second a track may start at in a sound of `duration` seconds (null: not measured). */
export function timestampLimit(duration: number | null | undefined): number {
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0)
    return MAX_TRACK_TIMESTAMP
  return Math.min(Math.ceil(duration), MAX_TRACK_TIMESTAMP)
}

/** `1:30`, `1:01:30`. */
export function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(Math.floor(seconds % 60)).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/**
 * What is wrong with a tracklist's timestamps against `limit` seconds, or
 * null: the first row out of bounds, by its CSV line when it has one.
 */
export function timestampProblem(
  rows: Array<{ timestamp: number | null; title: string; line?: number }>,
  limit: number
): string | null {
  for (const [index, row] of rows.entries()) {
    const t = row.timestamp
    if (t === null) continue
    const where = row.line ? `line ${row.line}` : `track ${index + 1} ("${row.title}")`
    if (!Number.isInteger(t) || t < 0)
      return `${where}: a timestamp is a whole number of seconds from 0, not ${t}`
    if (t > limit) {
      return limit === MAX_TRACK_TIMESTAMP
        ? `${where}: the timestamp ${t < 100 * 3600 ? clock(t) : `${t} s`} is more than 24 hours`
        : `${where}: the timestamp ${clock(t)} is after the end of the sound (${clock(limit)})`
    }
  }
  return null
}
