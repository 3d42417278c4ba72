import transmit from '@adonisjs/transmit/services/main'
import { EventLedger } from '#on_air/event_ledger'

/** The web process's server-sent events with ids (app/on_air/event_ledger.ts). */
const eventLedger = new EventLedger(transmit)
export default eventLedger
