/*
| A file sent the way players and podcast apps expect: byte ranges (206 with
| Content-Range, 416 when unsatisfiable), HEAD with Content-Length,
| Accept-Ranges, and ETag / Last-Modified answered by 304. AdonisJS's
| `response.download` does the validators only (no Range, and HEAD without
| Content-Length), so this uses `send`, the library behind serve-static and
| @adonisjs/static, and relays the headers already set on the Adonis
| response (CORS, Cache-Control) as @adonisjs/static does.
*/
import type { HttpContext } from '@adonisjs/core/http'
import type { ServerResponse } from 'node:http'
import { basename, dirname } from 'node:path'
import { finished } from 'node:stream'
import send from 'send'
import { NotFoundException } from '#exceptions/domain'

function relay(res: ServerResponse, headers: Record<string, unknown>) {
  for (const [key, value] of Object.entries(headers))
    if (value !== undefined && value !== null) res.setHeader(key, value as string | string[])
}

/**
 * Streams the file at `path` (absolute) as `type`; resolves once the
 * response is finished. `cacheControl` is set only once the file is found
 * (a 404 must not be cached for a year).
 */
export function sendFile(
  { request, response }: HttpContext,
  path: string,
  type: string,
  options: { cacheControl?: string } = {}
) {
  const res = response.response
  return new Promise<void>((resolve, reject) => {
    // The file's own name under its folder as root: `send` URL-decodes the
    // path it is given, and a name with `%` or a leading dot must stay as it is.
    const stream = send(request.request, `/${encodeURIComponent(basename(path))}`, {
      root: dirname(path),
      dotfiles: 'allow',
      index: false,
      cacheControl: false,
      etag: true,
      lastModified: true,
      acceptRanges: true,
    })
    stream.on('headers', () => {
      relay(res, response.getHeaders())
      res.setHeader('Content-Type', type)
      if (options.cacheControl) res.setHeader('Cache-Control', options.cacheControl)
    })
    stream.on('error', (error: Error & { status?: number; headers?: Record<string, string> }) => {
      if (error.status === 404 || !error.status) {
        reject(error.status === 404 ? new NotFoundException('no such file') : error)
        return
      }
      // 416 (with `Content-Range: bytes */size`) and 412: an answer, not a failure.
      relay(res, response.getHeaders())
      relay(res, error.headers ?? {})
      res.statusCode = error.status
      res.end()
    })
    // Also when the client goes away mid-file (an error then, nothing to answer).
    finished(res, () => resolve())
    stream.pipe(res)
  })
}
