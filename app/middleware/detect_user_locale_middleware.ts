import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import type { NextFn } from '@adonisjs/core/types/http'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * The page's language: `?lang=fr` (remembered in a cookie), else the
 * browser's Accept-Language, else English.
 */
export default class DetectUserLocaleMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const asked = ctx.request.qs().lang
    const chosen =
      typeof asked === 'string' && i18nManager.supportedLocales().includes(asked)
        ? asked
        : ctx.request.cookie('lang')
    if (chosen !== ctx.request.cookie('lang') && typeof asked === 'string')
      ctx.response.cookie('lang', chosen, { maxAge: '1y' })
    const locale =
      (chosen && i18nManager.supportedLocales().includes(chosen) && chosen) ||
      i18nManager.getSupportedLocaleFor(ctx.request.languages()) ||
      i18nManager.defaultLocale
    ctx.i18n = i18nManager.locale(locale)
    ctx.containerResolver.bindValue(I18n, ctx.i18n)
    if ('view' in ctx) ctx.view.share({ i18n: ctx.i18n, t: ctx.i18n.t.bind(ctx.i18n) })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    i18n: I18n
  }
}
