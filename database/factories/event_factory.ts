import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import Event from '#models/event'

/** A stored event of the whole install, just now, waiting in the outbox for the sinks. */
export const EventFactory = factory
  .define(Event, () => ({
    type: 'track_on_air' as const,
    station: null,
    level: 'info' as const,
    occurredAt: DateTime.utc(),
    payload: {},
  }))
  .build()
