/*
| Glue shared by the staff controllers: validation in the reader's language,
| and the redirect back with a message after an action.
*/
import type { HttpContext } from '@adonisjs/core/http'
import type { VineValidator } from '@vinejs/vine'
import type { SchemaTypes } from '@vinejs/vine/types'
import { InvalidRecordException } from '#exceptions/domain'

/** The request's body validated, its messages in the page's language (a 302 back with them on failure). */
export function validated<Schema extends SchemaTypes>(
  ctx: HttpContext,
  validator: VineValidator<Schema, undefined>,
  data?: unknown
) {
  const options = { messagesProvider: ctx.i18n.createMessagesProvider(), meta: undefined }
  if (data !== undefined) return validator.validate(data, options)
  return ctx.request.validateUsing(validator, options)
}

/**
 * Runs a domain action; a rule it breaks (an overlap, an invalid schedule)
 * goes back to the form as a message instead of an error page. True when it
 * failed (the redirect back is set: `return failed || ...`), null when done.
 */
export async function attempt(
  ctx: HttpContext,
  action: () => Promise<unknown>,
  done: string
): Promise<true | null> {
  try {
    await action()
  } catch (error) {
    if (!(error instanceof InvalidRecordException)) throw error
    ctx.session.flashAll()
    ctx.session.flash('problem', error.message)
    ctx.response.redirect().back()
    return true
  }
  ctx.session.flash('notice', done)
  return null
}
