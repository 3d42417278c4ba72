/*
| Whether each edge relay serves: the rules are pure (a verdict from what
| the edge's Icecast says, its lag behind the origin, which clients of the
| origin are edges' relays, when a run of failures becomes an outage); the
| I/O around them is one status request per server.
|
| As in the origin/edge design the edges follow (one fixed upstream each,
| restarted automatically, listeners and failures watched per node), an
| edge's failure is that edge's: the others and the origin go on.
*/
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type Edge from '#models/edge'
import { parseStatusJson, type IcecastClient, type MountStatus } from '#stats/icecast_status'

export interface EdgeVerdict {
  ok: boolean
  /** Why it is not ok, one line. */
  reason: string | null
  /** The mounts it should relay and does not (no source on the edge). */
  missing: string[]
}

/**
 * An edge serves when it answers and lists every mount it should relay with
 * a source (Icecast's status lists a mount only while its relay is connected).
 */
export function edgeVerdict(expected: string[], status: MountStatus[] | Error): EdgeVerdict {
  if (status instanceof Error)
    return { ok: false, reason: `does not answer (${status.message})`, missing: expected }
  const missing = expected.filter((mount) => !status.some((s) => s.mount === mount))
  return missing.length
    ? { ok: false, reason: `does not relay ${missing.join(', ')}`, missing }
    : { ok: true, reason: null, missing: [] }
}

/**
 * An edge's lag behind the origin on a mount, in seconds: how long after the
 * origin's current source began the edge's relay (re)connected to it. Zero
 * while the edge has been connected throughout (the origin moves a relay
 * between a mount and its fallback without dropping it, so the edge's start
 * is then the older); after an origin outage it is the time the edge's
 * listeners spent on its local fallback. Null when either start is unknown.
 * Icecast 2.4's status gives no byte counts, so this is measured in starts.
 */
export function relayLag(origin: MountStatus | undefined, edge: MountStatus | undefined) {
  if (!origin?.streamStart || !edge?.streamStart) return null
  return Math.max(0, Math.round((edge.streamStart - origin.streamStart) / 1000))
}

/** Icecast's own relay client says "Icecast 2.4.4" (slave.c sends ICECAST_VERSION_STRING). */
const RELAY_AGENT = /^icecast[ /]\d/i

const bare = (ip: string) => ip.replace(/^::ffff:/i, '').replace(/^\[|\]$/g, '')

/**
 * Whether a client of the origin is an edge's relay, not a listener: it comes
 * from an edge's address, or it is Icecast itself (an edge whose address is
 * translated on the way, or an edge not in the table yet, is still no listener).
 */
export function isRelayClient(client: IcecastClient, addresses: Set<string>): boolean {
  return addresses.has(bare(client.ip)) || RELAY_AGENT.test(client.userAgent ?? '')
}

/** The edges' addresses as the origin sees them: host names resolved (a failed lookup is skipped). */
export async function edgeAddresses(edges: Edge[]): Promise<Set<string>> {
  const addresses = new Set<string>()
  for (const edge of edges) {
    const host = bare(edge.host)
    if (isIP(host)) {
      addresses.add(host)
      continue
    }
    for (const found of await lookup(host, { all: true }).catch(() => []))
      addresses.add(bare(found.address))
  }
  return addresses
}

export type EdgeTransition = { type: 'edge_down' | 'edge_up'; reason: string | null } | null

/**
 * Hysteresis: an edge is down after `after` failed polls in a row and up
 * again after as many good ones, so that one lost request or a relay's 2 s
 * reconnection is no pair of events. An edge never seen down is up: its
 * first good polls say nothing.
 */
export class EdgeWatch {
  #state = new Map<string, { down: boolean; run: number }>()

  constructor(readonly after = 2) {}

  observe(edge: string, verdict: EdgeVerdict): EdgeTransition {
    const state = this.#state.get(edge) ?? { down: false, run: 0 }
    this.#state.set(edge, state)
    // A poll that agrees with the state resets the run; one that disagrees adds to it.
    if (verdict.ok !== state.down) {
      state.run = 0
      return null
    }
    state.run++
    if (state.run < this.after) return null
    state.down = !state.down
    state.run = 0
    return state.down
      ? { type: 'edge_down', reason: verdict.reason }
      : { type: 'edge_up', reason: null }
  }

  isDown(edge: string) {
    return this.#state.get(edge)?.down ?? false
  }
}

/** One status request to an Icecast: its mounts, or the error that says why not. */
export async function fetchIcecastStatus(
  base: string,
  timeout: number
): Promise<MountStatus[] | Error> {
  try {
    const response = await fetch(`${base}/status-json.xsl`, {
      signal: AbortSignal.timeout(timeout),
    })
    const text = await response.text()
    if (!response.ok) return new Error(`HTTP ${response.status}`)
    return parseStatusJson(text)
  } catch (error) {
    // undici puts the reason in `cause`: a code (ECONNREFUSED), or a message (a port fetch refuses).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    return new Error(cause?.code ?? cause?.message ?? (error as Error).message)
  }
}
