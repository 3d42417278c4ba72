import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'
import { errors } from '@adonisjs/auth'
import { endSession, isCurrentSession } from '#cms/staff_sessions'

/**
 * Lets only authenticated requests through; a browser is sent to the login
 * page. A session of an older version of its user (the password or the role
 * changed since it logged in) is ended, not trusted.
 */
export default class AuthMiddleware {
  get redirectTo() {
    return router.makeUrl('staff.session.create')
  }

  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: { guards?: (keyof Authenticators)[] } = {}
  ) {
    await ctx.auth.authenticateUsing(options.guards, { loginRoute: this.redirectTo })
    if (ctx.auth.authenticatedViaGuard === 'web' && !isCurrentSession(ctx, ctx.auth.user!)) {
      await endSession(ctx)
      throw new errors.E_UNAUTHORIZED_ACCESS('Unauthorized access', {
        redirectTo: this.redirectTo,
        guardDriverName: 'session',
      })
    }
    return next()
  }
}
