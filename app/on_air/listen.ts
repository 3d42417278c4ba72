/*
| How listeners hear a station: its active Icecast mounts as stream sources
| (the site's player, /listen.m3u, /listen.pls), each at the address
| listeners reach it by. Pure renderers, and one query.
*/
import Edge from '#models/edge'
import Output, { type OutputFormat } from '#models/output'
import type Station from '#models/station'

export interface StreamSource {
  url: string
  format: OutputFormat
  bitrate: number
  /** The `type` of an `<audio>` source: the browser skips what it cannot play. */
  type: string
  /** `MP3 128 kbit/s`. */
  label: string
  /** The edge it is relayed by (its name); absent: the origin. */
  node?: string
}

export interface ListenableOutput {
  host: string | null
  port: number | null
  mount: string | null
  listenUrl: string | null
  format: OutputFormat
  bitrate: number
}

const TYPES: Record<OutputFormat, string> = {
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg; codecs=vorbis',
  opus: 'audio/ogg; codecs=opus',
}
const NAMES: Record<OutputFormat, string> = { mp3: 'MP3', ogg: 'Ogg Vorbis', opus: 'Opus' }
/** Best sound for the bitrate first in a player; a browser takes the first it can play. */
const PLAYER_ORDER: OutputFormat[] = ['opus', 'ogg', 'mp3']

/**
 * Where listeners reach a mount: its listen URL (absolute, or a path on the
 * public origin), else Icecast's own address. Null when it has none, or when
 * what is stored is not an http(s) address.
 */
export function listenUrl(output: ListenableOutput, origin: string): string | null {
  let url: URL
  try {
    if (output.listenUrl) url = new URL(output.listenUrl, origin)
    else if (output.host && output.port && output.mount)
      url = new URL(`http://${output.host}:${output.port}${output.mount}`)
    else return null
  } catch {
    return null
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
}

/** The sources of a set of outputs, best for a player first (see PLAYER_ORDER). */
export function streamSources(outputs: ListenableOutput[], origin: string): StreamSource[] {
  const sources: StreamSource[] = []
  for (const output of outputs) {
    const url = listenUrl(output, origin)
    if (!url) continue
    sources.push({
      url,
      format: output.format,
      bitrate: output.bitrate,
      type: TYPES[output.format],
      label: `${NAMES[output.format]} ${output.bitrate} kbit/s`,
    })
  }
  return sources.sort(
    (a, b) =>
      PLAYER_ORDER.indexOf(a.format) - PLAYER_ORDER.indexOf(b.format) || b.bitrate - a.bitrate
  )
}

/** For playlists, node by node as given (the origin last), the most widely played first: MP3, then the others. */
function forPlaylists(sources: StreamSource[]): StreamSource[] {
  const nodes = [...new Set(sources.map((s) => s.node ?? ''))]
  const rank = (s: StreamSource) => nodes.indexOf(s.node ?? '')
  return [...sources].sort(
    (a, b) => rank(a) - rank(b) || Number(b.format === 'mp3') - Number(a.format === 'mp3')
  )
}

/** `MP3 128 kbit/s`, and the edge it comes through. */
const label = (source: StreamSource) =>
  source.node ? `${source.label}, ${line(source.node)}` : source.label

/** One line of text: playlist formats have no escapes. */
const line = (text: string) => text.replace(/[\r\n]+/g, ' ').trim()

/** An extended M3U playlist (`audio/x-mpegurl`) of the sources. */
export function m3uPlaylist(stationName: string, sources: StreamSource[]): string {
  const lines = ['#EXTM3U']
  for (const source of forPlaylists(sources)) {
    lines.push(`#EXTINF:-1,${line(stationName)} (${label(source)})`, source.url)
  }
  return lines.join('\r\n') + '\r\n'
}

/** A PLS playlist (`audio/x-scpls`), version 2, of the sources. */
export function plsPlaylist(stationName: string, sources: StreamSource[]): string {
  const ordered = forPlaylists(sources)
  const lines = ['[playlist]', `NumberOfEntries=${ordered.length}`]
  ordered.forEach((source, i) => {
    lines.push(
      `File${i + 1}=${source.url}`,
      `Title${i + 1}=${line(stationName)} (${label(source)})`,
      `Length${i + 1}=-1`
    )
  })
  lines.push('Version=2')
  return lines.join('\r\n') + '\r\n'
}

/**
 * A Content-Security-Policy that also lets media load from these streams'
 * origins: the site allows media from itself only (config/shield.ts), and
 * Icecast is elsewhere (another port or host). Only the origins of this
 * page's own sources, never a wildcard. Origins come from URL parsing, so
 * they hold no space or quote that could add a directive.
 */
export function allowStreams(policy: string, sources: StreamSource[]): string {
  const origins = [...new Set(sources.map((source) => new URL(source.url).origin))]
  if (!origins.length || !policy) return policy
  const directives = policy.split(';').map((d) => d.trim())
  const index = directives.findIndex((d) => /^media-src(\s|$)/i.test(d))
  if (index === -1) return policy
  directives[index] = [directives[index], ...origins].join(' ')
  return directives.join('; ')
}

/** An edge as listeners reach it. */
export interface ListenEdge {
  name: string
  /** Its public address (no trailing slash), or http://host:port. */
  base: string
  region: string | null
}

/** A region label as a proxy or a query gives it; anything else is no region. */
export function listenerRegion(value: unknown): string | null {
  return typeof value === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/i.test(value.trim())
    ? value.trim().toLowerCase()
    : null
}

/**
 * The edges in the order listeners should try them: those of the listener's
 * region first, then the others; within each, rotated by `turn`, so that
 * successive listeners spread over the edges (round robin).
 */
export function orderEdges<T extends ListenEdge>(
  edges: T[],
  region: string | null,
  turn: number
): T[] {
  const rotate = (list: T[]) => {
    if (!list.length) return list
    const k = ((turn % list.length) + list.length) % list.length
    return [...list.slice(k), ...list.slice(0, k)]
  }
  const near = edges.filter((e) => region !== null && e.region === region)
  const far = edges.filter((e) => !(region !== null && e.region === region))
  return [...rotate(near), ...rotate(far)]
}

/**
 * Every source of the station: each edge's relay of each mount, in the
 * edges' order, then the origin's own, last. Node first, then format: a
 * player (or an `<audio>` element) that cannot reach one node goes on to the
 * next, and ends at the origin.
 */
export function sourcesThroughEdges(
  outputs: ListenableOutput[],
  edges: ListenEdge[],
  origin: string
): StreamSource[] {
  const relayed = edges.flatMap((edge) =>
    streamSources(
      outputs
        .filter((o) => o.mount)
        .map((o) => ({
          host: o.host,
          port: o.port,
          mount: o.mount,
          format: o.format,
          bitrate: o.bitrate,
          listenUrl: `${edge.base.replace(/\/+$/, '')}${o.mount}`,
        })),
      origin
    ).map((source) => ({ ...source, node: edge.name }))
  )
  return [...relayed, ...streamSources(outputs, origin)]
}

/** Listeners are spread over the edges, one turn per request. */
let turns = 0

/** The station's active Icecast outputs that listeners can reach, through its active edges first. */
export async function stationSources(
  station: Station,
  origin: string,
  listener: { region?: string | null } = {}
): Promise<StreamSource[]> {
  const outputs = await Output.query()
    .where('station_id', station.id)
    .where('type', 'icecast')
    .withScopes((s) => s.active())
    .orderBy('id')
  const edges = await Edge.query()
    .withScopes((s) => s.active())
    .where((q) =>
      q
        .where('all_stations', true)
        .orWhereHas('stations', (r) => r.where('stations.id', station.id))
    )
    .orderBy('name')
  const listenEdges = edges.map((e) => ({
    name: e.name,
    base: e.publicUrl ?? e.base,
    region: e.region,
  }))
  return sourcesThroughEdges(
    outputs,
    orderEdges(listenEdges, listener.region ?? null, turns++),
    origin
  )
}
