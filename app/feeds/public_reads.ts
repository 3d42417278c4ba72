/*
| What is public and read-only: the JSON API's reads, the now-playing push
| (its SSE stream and the subscribe calls), the calendar, podcast feeds,
| episodes' audio, covers, uploaded images and the stream playlists. Those requests
| - may come from another site's page (CORS), so that a now-playing widget,
|   a player or a programme guide on a partner's site works; never the CMS
|   nor the API's writes, and never with cookies (credentials stay off);
| - carry no session: no cookie is set and no session row is written for a
|   podcast app or a calendar that polls (nor for the API's token writes).
*/

const READ = new Set(['GET', 'HEAD'])

/** Paths readable from anywhere. */
function isPublicPath(path: string) {
  return (
    path.startsWith('/api/v1/') ||
    path === '/timetable.ics' ||
    path === '/listen.m3u' ||
    path === '/listen.pls' ||
    /^\/programs\/[^/]+\/podcast\.rss$/.test(path) ||
    path.startsWith('/podcasts/') ||
    path.startsWith('/covers/') ||
    path.startsWith('/images/')
  )
}

/**
 * Whether CORS answers this request. `method` is the request's; for a
 * preflight (OPTIONS), `requestedMethod` is the one it asks for.
 */
export function crossOriginAllowed(path: string, method: string, requestedMethod?: string) {
  const wanted = (method === 'OPTIONS' ? requestedMethod : method)?.toUpperCase()
  if (!wanted) return false
  // Transmit: the stream is a GET, subscribing a POST of the channel name.
  if (path.startsWith('/__transmit/')) return true
  return READ.has(wanted) && isPublicPath(path)
}

/**
 * Whether the request goes without a session (and so without CSRF, which
 * lives in it): the public reads, and the whole API, whose writes are
 * authenticated by a token only (a browser never sends one by itself).
 */
export function isSessionless(path: string, method: string) {
  if (path.startsWith('/__transmit/') || path.startsWith('/api/v1/')) return true
  return READ.has(method.toUpperCase()) && isPublicPath(path)
}

/**
 * ANTENNE_CORS_ORIGINS: `*` (any site, the default), a comma list of
 * origins (`https://partner.example,https://other.example`), or `none`.
 */
export function parseCorsOrigins(value: string | undefined): true | false | string[] {
  const text = (value ?? '*').trim()
  if (text === '*' || text === '') return true
  if (text === 'none') return false
  return text
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean)
}
