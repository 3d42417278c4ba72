/*
| What Icecast 2.4 says of its mounts and listeners, parsed: pure functions
| over /status-json.xsl and /admin/listclients (checked against Icecast 2.4.4).
*/
export interface MountStatus {
  mount: string
  listeners: number
  peak: number
  /** When its current source (a relay's connection) began, epoch ms; null when Icecast does not say. */
  streamStart?: number | null
  title?: string | null
}

export interface IcecastClient {
  id: string
  ip: string
  userAgent: string | null
  /** Seconds connected. */
  connected: number
}

/** The mounts of /status-json.xsl (`source` is one object or an array; absent with no source). */
export function parseStatusJson(text: string): MountStatus[] {
  let data: { icestats?: { source?: unknown } }
  try {
    data = JSON.parse(text)
  } catch {
    // Icecast 2.4.4's xml2json drops the `{` of icestats when no source is connected at all
    // (`{"icestats":"admin":…`): an Icecast that answers, with no mount on air.
    if (/^\s*\{\s*"icestats"\s*:\s*"/.test(text)) return []
    throw new Error(`Icecast's status is not JSON: ${text.slice(0, 80)}`)
  }
  const raw = data?.icestats?.source
  const sources = Array.isArray(raw) ? raw : raw ? [raw] : []
  return sources.flatMap((s: Record<string, unknown>) => {
    const url = typeof s.listenurl === 'string' ? s.listenurl : null
    if (!url) return []
    let mount: string
    try {
      mount = new URL(url).pathname
    } catch {
      return []
    }
    const start =
      typeof s.stream_start_iso8601 === 'string' ? Date.parse(s.stream_start_iso8601) : Number.NaN
    return [
      {
        mount,
        listeners: Number(s.listeners) || 0,
        peak: Number(s.listener_peak) || 0,
        streamStart: Number.isFinite(start) ? start : null,
        title: typeof s.title === 'string' ? s.title : null,
      },
    ]
  })
}

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

/** The listeners of /admin/listclients?mount=...: id, address, user agent, seconds connected. */
export function parseListClients(xml: string): IcecastClient[] {
  const clients: IcecastClient[] = []
  for (const match of xml.matchAll(/<listener\b[^>]*>([\s\S]*?)<\/listener>/g)) {
    const field = (name: string) => {
      const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(match[1])
      return m ? unescapeXml(m[1]) : null
    }
    const id = field('ID') ?? /id="([^"]+)"/.exec(match[0])?.[1] ?? null
    const ip = field('IP')
    if (!id || !ip) continue
    clients.push({
      id,
      ip,
      userAgent: field('UserAgent') || null,
      connected: Number(field('Connected')) || 0,
    })
  }
  return clients
}
