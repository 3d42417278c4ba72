import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import app from '@adonisjs/core/services/app'
import SessionMiddleware from '@adonisjs/session/session_middleware'
import { isSessionless } from '#feeds/public_reads'

/**
 * The session for every request but the public reads
 * (app/feeds/public_reads.ts): those set no cookie and write no session row,
 * so feeds, the API and media can be cached and fetched from other sites.
 */
export default class PublicReadsSessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isSessionless(ctx.request.url(), ctx.request.method())) return next()
    const session = await app.container.make(SessionMiddleware)
    return session.handle(ctx, next)
  }
}
