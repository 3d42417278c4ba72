import factory from '@adonisjs/lucid/factories'
import Station from '#models/station'
import Program from '#models/program'
import Schedule from '#models/schedule'

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
  .build()

export const ProgramFactory = factory
  .define(Program, () => {
    const n = next()
    return { title: `Program ${n}`, slug: `program-${n}`, active: true }
  })
  .relation('station', () => StationFactory)
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
