/*
| Listener reports: listeners over time (per station, summed over its
| mounts), the audience of each diffusion while it aired (average and peak),
| and sessions. The arithmetic is pure; the queries read index ranges.
|
| With edge relays a station's listeners are the sum over its nodes: the
| origin (edge_id null, the edges' relays already counted out) and each
| edge. The totals sum every node; the per-node figures split them.
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

/** The node a sample was taken at: the origin, or an edge by its name. */
export const ORIGIN = 'origin'

/** Samples split per node, each summed per instant; the origin first, then the edges by name. */
export function splitByNode(
  rows: Array<{ at: number; listeners: number; node: string }>
): Map<string, Sample[]> {
  const nodes = [...new Set(rows.map((r) => r.node))].sort((a, b) =>
    a === ORIGIN ? -1 : b === ORIGIN ? 1 : a.localeCompare(b)
  )
  return new Map(nodes.map((node) => [node, sumByInstant(rows.filter((r) => r.node === node))]))
}

/** A node's figures over a range: its last sample, average and peak. */
export function nodeFigures(samples: Sample[]) {
  if (!samples.length) return { now: 0, average: 0, peak: 0 }
  return {
    now: samples.at(-1)!.listeners,
    average: samples.reduce((a, s) => a + s.listeners, 0) / samples.length,
    peak: Math.max(...samples.map((s) => s.listeners)),
  }
}

/** A node's listeners at an instant (0 when it was not sampled then: it did not answer). */
export function listenersAt(samples: Sample[], at: number): number {
  return samples.find((s) => s.at === at)?.listeners ?? 0
}

export async function nodeSamples(
  station: Station,
  from: DateTime,
  to: DateTime
): Promise<Map<string, Sample[]>> {
  const rows = await db
    .from('listener_samples')
    .leftJoin('edges', 'edges.id', 'listener_samples.edge_id')
    .where('listener_samples.station_id', station.id)
    .where('listener_samples.at', '>=', sqlDateTime(from))
    .where('listener_samples.at', '<', sqlDateTime(to))
    .select(
      'listener_samples.at',
      'listener_samples.listeners',
      'listener_samples.edge_id',
      'edges.name'
    )
  return splitByNode(
    rows.map((r) => ({
      at: fromSqlDateTime(r.at)!.toMillis(),
      listeners: Number(r.listeners),
      node: r.edge_id === null ? ORIGIN : (r.name ?? `edge #${r.edge_id}`),
    }))
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
  const nodes = await base()
    .leftJoin('edges', 'edges.id', 'listener_sessions.edge_id')
    .select('listener_sessions.edge_id', 'edges.name')
    .count('* as n')
    .groupBy('listener_sessions.edge_id', 'edges.name')
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
    /** Sessions per node: the origin, each edge. */
    nodes: nodes
      .map((n) => ({
        node: n.edge_id === null ? ORIGIN : (n.name ?? `edge #${n.edge_id}`),
        sessions: Number(n.n),
      }))
      .sort((a, b) =>
        a.node === ORIGIN ? -1 : b.node === ORIGIN ? 1 : a.node.localeCompare(b.node)
      ),
  }
}

/** A CSV field: quoted when it holds a separator, a quote or a line break; formulas defused. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
