import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import { HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import i18nManager from '@adonisjs/i18n/services/main'

/**
 * The debug page (stack, request headers and cookies) only while developing
 * and testing: a missing or misspelt NODE_ENV counts as production.
 */
const debugging = app.inDev || app.inTest

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/** The methods some route answers on this path. */
function allowedMethods(url: string) {
  return METHODS.filter((method) => router.match(url, method) !== null)
}

/** The body parser's refusal of a JSON body that is a bare value (422, no code). */
function isStrictJsonError(e: { status?: number; message?: string }) {
  return e.status === 422 && e.message === 'Invalid JSON, only supports object and array'
}

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
    if (ctx.request.url().startsWith('/api/')) return this.#api(error, ctx)
    return super.handle(error, ctx)
  }

  #api(error: unknown, ctx: HttpContext) {
    const e = error as { status?: number; code?: string; message?: string; messages?: unknown }
    let status = e.status ?? 500
    let code = e.code ?? 'E_INTERNAL'
    let message = status >= 500 && !debugging ? 'internal error' : e.message
    if (code === 'E_ROUTE_NOT_FOUND') {
      // The path exists with other methods: 405, and which (RFC 9110 15.5.6).
      const allowed = allowedMethods(ctx.request.url())
      if (allowed.length) {
        ctx.response.header('Allow', allowed.join(', '))
        status = 405
        code = 'E_METHOD_NOT_ALLOWED'
        message = `${ctx.request.method()} is not allowed here; allowed: ${allowed.join(', ')}`
      }
    } else if (!e.code && (status === 400 || isStrictJsonError(e))) {
      // The body parser's own errors: one clear sentence, not its internals.
      status = 400
      code = 'E_BAD_REQUEST'
      message =
        error instanceof SyntaxError
          ? 'the request body is not valid JSON'
          : isStrictJsonError(e)
            ? 'the request body must be a JSON object or array'
            : 'the request could not be read'
    }
    return ctx.response.status(status).json({
      error: code,
      message,
      ...(e.messages ? { errors: e.messages } : {}),
    })
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
