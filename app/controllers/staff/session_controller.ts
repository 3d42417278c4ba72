import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { loginValidator } from '#validators/staff'
import { validated } from '#controllers/staff/form'

export default class SessionController {
  async create({ view }: HttpContext) {
    return view.render('pages/staff/login')
  }

  /** A wrong email or password gets the same message, and the form back with the email kept. */
  async store(ctx: HttpContext) {
    const { auth, response, session, i18n } = ctx
    const { email, password } = await validated(ctx, loginValidator)
    try {
      const user = await User.verifyCredentials(email, password)
      await auth.use('web').login(user)
    } catch {
      session.flashExcept(['password'])
      session.flash('loginError', i18n.t('staff.login.failed'))
      return response.redirect().back()
    }
    return response.redirect('/staff')
  }

  async destroy({ auth, response }: HttpContext) {
    await auth.use('web').logout()
    return response.redirect('/staff/login')
  }
}
