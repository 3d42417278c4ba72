import type { HttpContext } from '@adonisjs/core/http'
import eventLedger from '#services/event_ledger'

/**
 * `GET /__transmit/events?uid=`: Transmit's event stream, its frames with
 * ids (app/on_air/event_ledger.ts). In place of the package's controller,
 * which pipes the stream straight into the response. The uid was checked by
 * TransmitInputMiddleware.
 */
export default class EventStreamController {
  handle(ctx: HttpContext) {
    // Transmit has written the headers by now: Adonis leaves the response to the stream.
    return ctx.response.stream(eventLedger.open(ctx, String(ctx.request.input('uid'))))
  }
}
