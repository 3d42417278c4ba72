import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { loginValidator } from '#validators/session'
import { validated } from '#controllers/staff/form'
import { LoginThrottle } from '#cms/login_throttle'
import { endSession, startSession } from '#cms/staff_sessions'

export default class SessionController {
  async create({ view }: HttpContext) {
    return view.render('pages/staff/login')
  }

  /**
   * A wrong email or password gets the same message, and the form back with
   * the email kept. Too many wrong ones, for the account or from the
   * address, and every attempt is refused for a while, the right one too.
   */
  async store(ctx: HttpContext) {
    const { response, session, i18n, request } = ctx
    const { email, password } = await validated(ctx, loginValidator)
    const throttle = new LoginThrottle(email, request.ip())
    const retryAfter = await throttle.retryAfter()
    if (retryAfter > 0) return this.#throttled(ctx, retryAfter)
    let user: User
    try {
      user = await User.verifyCredentials(email, password)
    } catch {
      await throttle.failed()
      session.flashExcept(['password'])
      session.flash('loginError', i18n.t('staff.login.failed'))
      return response.redirect().back()
    }
    await throttle.succeeded()
    await startSession(ctx, user)
    return response.redirect().toRoute('staff.dashboard')
  }

  async destroy(ctx: HttpContext) {
    await endSession(ctx)
    return ctx.response.redirect().toRoute('staff.session.create')
  }

  /** 429, with the form and a message saying when to try again; JSON clients get it as an error. */
  #throttled({ response, view, i18n, request }: HttpContext, retryAfter: number) {
    const message = i18n.t('staff.login.throttled', { minutes: Math.ceil(retryAfter / 60) })
    response.status(429).header('Retry-After', String(retryAfter))
    if (request.accepts(['html', 'json']) === 'json')
      return response.send({ errors: [{ message, retryAfter }] })
    return view.render('pages/staff/login', { throttled: message, email: request.input('email') })
  }
}
