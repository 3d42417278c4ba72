import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import app from '@adonisjs/core/services/app'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'
import { isSessionless } from '#feeds/public_reads'

/**
 * Shield (whose CSRF secret lives in the session) wherever there is a
 * session. Public reads have none and change nothing; they still say nosniff,
 * and vary by Origin.
 * A middleware of its own so that its errors (a bad CSRF token) are rendered
 * before the session commits, and their flash messages kept.
 */
export default class PublicReadsShieldMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isSessionless(ctx.request.url(), ctx.request.method())) {
      ctx.response.header('X-Content-Type-Options', 'nosniff')
      // Their CORS headers depend on the Origin: a shared cache must not hand one site's answer to another.
      ctx.response.append('Vary', 'Origin')
      return next()
    }
    const shield = await app.container.make(ShieldMiddleware)
    return shield.handle(ctx, next)
  }
}
