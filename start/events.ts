/*
| Events emitted by this process are written before it exits (ace commands
| that end, SIGTERM of the daemons).
*/
import app from '@adonisjs/core/services/app'
import { events } from '#events/event_outbox'

app.terminating(async () => {
  await events.flush()
})
