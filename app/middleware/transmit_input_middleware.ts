import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { transmitStreamValidator, transmitSubscriptionValidator } from '#validators/transmit'

/**
 * Checks the input of Transmit's routes before its controllers read it
 * (start/routes.ts adds this to them). A bad one gets a 422 JSON answer
 * whatever the Accept header: the callers are scripts, not forms to send
 * back to.
 */
export default class TransmitInputMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const validator =
      ctx.request.method() === 'GET' ? transmitStreamValidator : transmitSubscriptionValidator
    const [error] = await validator.tryValidate(ctx.request.all())
    if (error)
      return ctx.response.status(422).json({ error: 'E_VALIDATION_ERROR', errors: error.messages })
    return next()
  }
}
