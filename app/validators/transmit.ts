/*
| Transmit's routes (/__transmit/events, /subscribe, /unsubscribe) read `uid`
| and `channel` without looking at them: an object there was a 500. The page's
| script sends a UUID and `now_playing/<station slug>`.
*/
import vine from '@vinejs/vine'

const uid = vine
  .string()
  .minLength(1)
  .maxLength(64)
  .regex(/^[\w.-]+$/)
const channel = vine
  .string()
  .minLength(1)
  .maxLength(200)
  .regex(/^[\w./-]+$/)

/** The event stream: `?uid=`. */
export const transmitStreamValidator = vine.compile(vine.object({ uid }))

/** Subscribe and unsubscribe: `{ uid, channel }`. */
export const transmitSubscriptionValidator = vine.compile(vine.object({ uid, channel }))
