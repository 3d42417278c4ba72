import env from '#start/env'
import { defineConfig } from '@adonisjs/cors'
import { crossOriginAllowed, parseCorsOrigins } from '#feeds/public_reads'

/*
| CORS for what is public and read-only (app/feeds/public_reads.ts): any
| origin by default, or those of ANTENNE_CORS_ORIGINS; never credentials.
| https://docs.adonisjs.com/guides/security/cors
*/
const origins = parseCorsOrigins(env.get('ANTENNE_CORS_ORIGINS'))

const corsConfig = defineConfig({
  enabled: (ctx) =>
    origins !== false &&
    crossOriginAllowed(
      ctx.request.url(),
      ctx.request.method(),
      ctx.request.header('access-control-request-method')
    ),
  // `*` rather than the caller's origin when any is allowed: caches may share the answer.
  origin: origins === true ? '*' : origins,
  methods: ['GET', 'HEAD', 'POST'],
  headers: true,
  exposeHeaders: ['etag', 'last-modified', 'content-length', 'content-range', 'accept-ranges'],
  credentials: false,
  maxAge: 600,
})

export default corsConfig
