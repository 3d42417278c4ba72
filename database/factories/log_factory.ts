import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import Log from '#models/log'
import { StationFactory } from '#database/factories/programme_factories'

/** Something observed on air just now. */
export const LogFactory = factory
  .define(Log, () => ({ type: 'on_air' as const, date: DateTime.utc() }))
  .state('start', (log) => (log.type = 'start'))
  .relation('station', () => StationFactory)
  .build()
