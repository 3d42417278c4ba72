import factory from '@adonisjs/lucid/factories'
import EventSink from '#models/event_sink'

let serial = 0
/** Names are unique, and some tests commit their rows. */
const run = `${process.pid}-${Date.now().toString(36)}`

/**
 * An active webhook with the table's defaults written out, since Lucid does
 * not read back what the database fills in.
 */
export const EventSinkFactory = factory
  .define(EventSink, () => {
    const n = ++serial
    return {
      name: `sink-${run}-${n}`,
      url: `http://127.0.0.1:9/events/${n}`,
      minLevel: 'info',
      timeoutMs: 5000,
      maxAttempts: 50,
      batchSize: 100,
      active: true,
      fromFile: false,
      cursor: 0,
      attempts: 0,
    }
  })
  .build()
