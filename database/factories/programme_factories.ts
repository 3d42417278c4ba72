import factory from '@adonisjs/lucid/factories'
import Station from '#models/station'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Stream from '#models/stream'
import { EpisodeFactory } from '#database/factories/episode_factories'
import { LogFactory } from '#database/factories/log_factory'
import { OutputFactory } from '#database/factories/output_factory'
import { SoundFactory } from '#database/factories/sound_factories'

let serial = 0
const next = () => ++serial

export const StationFactory = factory
  .define(Station, () => {
    const n = next()
    return {
      name: `Station ${n}`,
      slug: `station-${n}`,
      timezone: 'Europe/Brussels',
      isDefault: false,
      active: true,
    }
  })
  .relation('programs', () => ProgramFactory)
  .relation('outputs', () => OutputFactory)
  .relation('logs', () => LogFactory)
  .build()

export const ProgramFactory = factory
  .define(Program, () => {
    const n = next()
    return { title: `Program ${n}`, slug: `program-${n}`, active: true }
  })
  .relation('station', () => StationFactory)
  .relation('stream', () => StreamFactory)
  .relation('schedules', () => ScheduleFactory)
  .relation('episodes', () => EpisodeFactory)
  .relation('sounds', () => SoundFactory)
  .build()

export const ScheduleFactory = factory
  .define(Schedule, () => ({
    date: '2030-01-02',
    time: '10:00',
    timezone: 'Europe/Brussels',
    duration: 60,
    frequency: 'every' as const,
  }))
  .relation('program', () => ProgramFactory)
  .build()

/** A program in rotation all day, with no minimum gap between two plays. */
export const StreamFactory = factory
  .define(Stream, () => ({ begin: null, end: null, delay: 0 }))
  .relation('program', () => ProgramFactory)
  .build()
