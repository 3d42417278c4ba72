/*
| The origin written into links that leave the site (RSS, iCal): never the
| request's Host or X-Forwarded-Host, which anyone can set, but the
| configured public URL (ANTENNE_PUBLIC_URL), or one of the station's own
| host names when the request came in by it.
*/

/** The host names a station answers to (its `hosts` field, separated by spaces, as the station middleware reads it), lower case. */
export function stationHostNames(hosts: string | null | undefined): string[] {
  return (hosts ?? '')
    .split(/\s+/)
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean)
}

/**
 * `https://radio.example` for the public URL `https://radio.example/`; with
 * a request for `radio-b.example` that the station lists among its hosts,
 * the same scheme and port on that host name.
 */
export function publicOrigin(
  publicUrl: string,
  requestHostname: string | null,
  stationHosts: string | null | undefined
): string {
  const url = new URL(publicUrl)
  const hostname = (requestHostname ?? '').toLowerCase()
  if (hostname && hostname !== url.hostname && stationHostNames(stationHosts).includes(hostname))
    url.hostname = hostname
  return url.origin
}

/**
 * Whether a request for this host name is for this site: the public URL's
 * host, or a host of one of the stations. Anything else is refused in
 * production (app/middleware/public_host_middleware.ts).
 */
export function isPublicHost(
  requestHostname: string | null,
  publicUrl: string,
  stationHosts: Iterable<string>
): boolean {
  if (!requestHostname) return false
  const hostname = requestHostname.toLowerCase()
  if (hostname === new URL(publicUrl).hostname) return true
  for (const host of stationHosts) if (host === hostname) return true
  return false
}
