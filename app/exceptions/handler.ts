import app from '@adonisjs/core/services/app'
import { HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import i18nManager from '@adonisjs/i18n/services/main'

/**
 * The debug page (stack, request headers and cookies) only while developing
 * and testing: a missing or misspelt NODE_ENV counts as production.
 */
const debugging = app.inDev || app.inTest

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = debugging

  /** Bad input and missing pages are the visitor's business, not the log's. */
  protected ignoreStatuses = [400, 401, 403, 404, 422]

  /** A friendly 404 page always; a friendly 500 page unless debugging. */
  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (_, ctx) => this.#page(ctx, 'pages/errors/forbidden'),
    '404': (_, ctx) => this.#page(ctx, 'pages/errors/not_found'),
    ...(debugging
      ? {}
      : {
          '500..599': ((_, ctx) =>
            this.#page(ctx, 'pages/errors/server_error')) as StatusPageRenderer,
        }),
  }

  /** An unknown route runs no route middleware: the page still needs its language. */
  #page(ctx: HttpContext, template: string) {
    const i18n =
      ctx.i18n ??
      i18nManager.locale(
        i18nManager.getSupportedLocaleFor(ctx.request.languages()) ?? i18nManager.defaultLocale
      )
    return ctx.view.render(template, { i18n, t: i18n.t.bind(i18n), station: ctx.station ?? null })
  }

  async handle(error: unknown, ctx: HttpContext) {
    // The JSON API answers errors in JSON, whatever the Accept header.
    if (ctx.request.url().startsWith('/api/')) {
      const e = error as { status?: number; code?: string; message?: string; messages?: unknown }
      const status = e.status ?? 500
      return ctx.response.status(status).json({
        error: e.code ?? 'E_INTERNAL',
        message: status >= 500 && !debugging ? 'internal error' : e.message,
        ...(e.messages ? { errors: e.messages } : {}),
      })
    }
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
