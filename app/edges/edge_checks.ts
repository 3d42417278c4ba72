/*
| The edges' lines of `doctor` and GET /health: one per active edge, whether
| it answers and relays every mount it should, with its listeners and its
| lag behind the origin (edge_health.ts says how lag is measured).
|
| An edge that fails is `degraded` while another active edge serves: the
| listeners it had reconnect to the others (the player lists every edge),
| so the node stays healthy (/health 200, "degraded"). When none serves, the
| edges' lines fail for real.
*/
import Edge from '#models/edge'
import Output from '#models/output'
import type { MountStatus } from '#stats/icecast_status'
import { edgeVerdict, fetchIcecastStatus, relayLag } from '#edges/edge_health'

export interface EdgeCheck {
  name: string
  ok: boolean
  detail: string
  fix?: string
  degraded?: boolean
}

/** Pure: one edge's line from its status and the origin's (per origin server). */
export function edgeLine(
  edge: { name: string; base: string },
  expected: Array<{ mount: string; origin: string }>,
  status: MountStatus[] | Error,
  origins: Map<string, MountStatus[] | Error>
): EdgeCheck {
  const name = `edge ${edge.name}`
  const verdict = edgeVerdict(
    expected.map((e) => e.mount),
    status
  )
  if (!verdict.ok)
    return {
      name,
      ok: false,
      detail: `${edge.base} ${verdict.reason}`,
      fix:
        status instanceof Error
          ? `start its Icecast (systemctl start icecast2 on the edge), or fix its host and port (node ace edges:list)`
          : `its Icecast cannot pull from the origin: check that it reaches the origin (--origin / ANTENNE_ORIGIN of icecast:config --edge ${edge.name}) and read its error.log`,
    }
  if (!expected.length)
    return { name, ok: true, detail: `${edge.base} answers (no mount to relay)` }
  const mounts = status as MountStatus[]
  const lags: string[] = []
  let listeners = 0
  for (const e of expected) {
    const here = mounts.find((m) => m.mount === e.mount)
    listeners += here?.listeners ?? 0
    const upstream = origins.get(e.origin)
    const there = Array.isArray(upstream) ? upstream.find((m) => m.mount === e.mount) : undefined
    const lag = relayLag(there, here)
    const titles = there?.title && here?.title !== there.title ? ', title behind' : ''
    lags.push(`${e.mount} ${lag === null ? 'lag unknown' : `lag ${lag} s`}${titles}`)
  }
  return {
    name,
    ok: true,
    detail: `${edge.base} relays ${expected.length} mount(s), ${listeners} listener(s); ${lags.join('; ')}`,
  }
}

/** Marks the failing edges degraded when another active edge serves. */
export function degradeWhenOthersServe(checks: EdgeCheck[]): EdgeCheck[] {
  const serving = checks.some((c) => c.ok)
  return checks.map((c) => (c.ok || !serving ? c : { ...c, degraded: true }))
}

export async function edgeChecks(timeout: number): Promise<EdgeCheck[]> {
  const edges = await Edge.query()
    .withScopes((s) => s.active())
    .preload('stations')
    .orderBy('name')
  if (!edges.length) return []
  const outputs = await Output.query()
    .where('type', 'icecast')
    .where('active', true)
    .whereNotNull('mount')
    .whereHas('station', (q) => q.where('active', true))
  const origins = new Map<string, MountStatus[] | Error>()
  for (const base of new Set(outputs.map((o) => `http://${o.host}:${o.port}`)))
    origins.set(base, await fetchIcecastStatus(base, timeout))
  const checks: EdgeCheck[] = []
  for (const edge of edges) {
    const ids = edge.stations.map((s) => s.id)
    const expected = outputs
      .filter((o) => edge.relays(o.stationId, ids))
      .map((o) => ({ mount: o.mount!, origin: `http://${o.host}:${o.port}` }))
    checks.push(edgeLine(edge, expected, await fetchIcecastStatus(edge.base, timeout), origins))
  }
  return degradeWhenOthersServe(checks)
}
