/*
| Listener reports: listeners over time (per station, summed over its
| mounts), the audience of each diffusion while it aired (average and peak),
| and sessions. The arithmetic is pure; the queries read index ranges.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Diffusion from '#models/diffusion'
import type Station from '#models/station'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'

export interface Sample {
  /** Epoch ms. */
  at: number
  listeners: number
}

export interface Bucket {
  from: number
  average: number
  max: number
}

/** Samples summed per instant (a station's mounts are polled together). */
export function sumByInstant(rows: Array<{ at: number; listeners: number }>): Sample[] {
  const totals = new Map<number, number>()
  for (const row of rows) totals.set(row.at, (totals.get(row.at) ?? 0) + row.listeners)
  return [...totals].sort((a, b) => a[0] - b[0]).map(([at, listeners]) => ({ at, listeners }))
}

/** `count` equal buckets over [from, to): average and max of the samples in each (0 where none). */
export function bucketSamples(
  samples: Sample[],
  from: number,
  to: number,
  count: number
): Bucket[] {
  const width = (to - from) / count
  const buckets = Array.from({ length: count }, (_, i) => ({
    from: from + i * width,
    sum: 0,
    n: 0,
    max: 0,
  }))
  for (const s of samples) {
    if (s.at < from || s.at >= to) continue
    const b = buckets[Math.min(count - 1, Math.floor((s.at - from) / width))]
    b.sum += s.listeners
    b.n++
    b.max = Math.max(b.max, s.listeners)
  }
  return buckets.map((b) => ({ from: b.from, average: b.n ? b.sum / b.n : 0, max: b.max }))
}

/** The audience of an airing: average and peak of the samples taken while it aired; null without samples. */
export function audienceOf(airing: { start: number; end: number }, samples: Sample[]) {
  const during = samples.filter((s) => s.at >= airing.start && s.at < airing.end)
  if (!during.length) return null
  return {
    average: during.reduce((a, s) => a + s.listeners, 0) / during.length,
    peak: Math.max(...during.map((s) => s.listeners)),
    samples: during.length,
  }
}

export async function stationSamples(
  station: Station,
  from: DateTime,
  to: DateTime
): Promise<Sample[]> {
  const rows = await db
    .from('listener_samples')
    .where('station_id', station.id)
    .where('at', '>=', sqlDateTime(from))
    .where('at', '<', sqlDateTime(to))
    .select('at', 'listeners')
  return sumByInstant(
    rows.map((r) => ({ at: fromSqlDateTime(r.at)!.toMillis(), listeners: Number(r.listeners) }))
  )
}

export async function diffusionAudiences(
  station: Station,
  from: DateTime,
  to: DateTime,
  samples: Sample[]
) {
  const diffusions = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
      s.startingBetween(from, to)
    })
    .where('start', '<', sqlDateTime(DateTime.utc()))
    .preload('program')
    .preload('episode')
  return diffusions.map((diffusion) => ({
    diffusion,
    audience: audienceOf(
      { start: diffusion.start.toMillis(), end: diffusion.end.toMillis() },
      samples
    ),
  }))
}

export async function sessionSummary(station: Station, from: DateTime, to: DateTime) {
  const base = () =>
    db
      .from('listener_sessions')
      .where('station_id', station.id)
      .where('started_at', '>=', sqlDateTime(from))
      .where('started_at', '<', sqlDateTime(to))
  const totals = await base()
    .count('* as sessions')
    .countDistinct('ip_hash as listeners')
    .avg('duration as duration')
    .first()
  const agents = await base()
    .select('user_agent')
    .count('* as n')
    .groupBy('user_agent')
    .orderBy('n', 'desc')
    .limit(5)
  return {
    sessions: Number(totals?.sessions ?? 0),
    listeners: Number(totals?.listeners ?? 0),
    averageDuration: Number(totals?.duration ?? 0),
    agents: agents.map((a) => ({ agent: a.user_agent ?? '–', sessions: Number(a.n) })),
  }
}

/** A CSV field: quoted when it holds a separator, a quote or a line break; formulas defused. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
