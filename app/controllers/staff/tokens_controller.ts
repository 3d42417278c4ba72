import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { tokenValidator } from '#validators/token'
import { validated } from '#controllers/staff/form'

/** Personal API tokens: shown once at creation, kept hashed, revocable. */
export default class TokensController {
  async index({ view, access }: HttpContext) {
    const tokens = await User.accessTokens.all(access.user)
    return view.render('pages/staff/tokens', { tokens })
  }

  async store(ctx: HttpContext) {
    const { name } = await validated(ctx, tokenValidator)
    const token = await User.accessTokens.create(ctx.access.user, ['*'], { name })
    ctx.session.flash('newToken', token.value!.release())
    return ctx.response.redirect().toRoute('staff.tokens.index')
  }

  async destroy({ params, access, response, session, i18n }: HttpContext) {
    await User.accessTokens.delete(access.user, Number(params.id) || 0)
    session.flash('notice', i18n.t('staff.tokens.revoked'))
    return response.redirect().toRoute('staff.tokens.index')
  }
}
