import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/** 180 days, as shield's default. */
const MAX_AGE = 180 * 24 * 3600

/**
 * Strict-Transport-Security only on responses sent over HTTPS: browsers
 * ignore it over plain HTTP, and sent there it tells a local install it is
 * "secure" when it is not. Behind a TLS proxy, `request.protocol()` is
 * https only when that proxy is trusted (ANTENNE_TRUSTED_PROXIES) and sends
 * X-Forwarded-Proto. Shield's own guard cannot look at the request, so it is
 * off (config/shield.ts).
 */
export default class HstsMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (ctx.request.protocol() === 'https')
      ctx.response.header('Strict-Transport-Security', `max-age=${MAX_AGE}`)
    return next()
  }
}
