import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { StaffAccess } from '#policies/staff_access'

/** After `auth`: what the user may touch, for the controllers and the views. */
export default class StaffMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.access = await StaffAccess.of(ctx.auth.getUserOrFail())
    // Staff pages are the user's own: never kept by the browser (Back after logout shows nothing).
    ctx.response.header('cache-control', 'no-store')
    if ('view' in ctx) ctx.view.share({ access: ctx.access, user: ctx.access.user })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    access: StaffAccess
  }
}
