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
    // The headers are sent and the frames piped by now: Adonis leaves a sent response alone.
    eventLedger.open(ctx, String(ctx.request.input('uid')))
  }
}
