import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import HealthController from '#controllers/health_controller'

/**
 * GET /health, answered before the router's middleware: those read the
 * database (the session store, the request's station), so on a database that
 * was never migrated they would turn the health check into an HTML 500, when
 * a watchdog needs the 503 JSON that says "migrations: not run" and its fix.
 * The route in start/routes.ts keeps the name `health` for links.
 */
export default class HealthMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const { pathname } = new URL(ctx.request.url(), 'http://antenne')
    if (pathname !== '/health' || !['GET', 'HEAD'].includes(ctx.request.method())) return next()
    return new HealthController().handle(ctx)
  }
}
