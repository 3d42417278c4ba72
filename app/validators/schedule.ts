/*
| A schedule's rule, in the station's local date and time; a rerun names
| its initial schedule (the controller checks it is one of the program's).
*/
import vine from '@vinejs/vine'
import { FREQUENCIES } from '#scheduling/recurrence'
import { calendarDate, clockTime, zone } from '#validators/rules'

export const scheduleValidator = vine.compile(
  vine.object({
    date: calendarDate(),
    endDate: calendarDate().nullable().optional(),
    time: clockTime(),
    timezone: zone(),
    duration: vine.number().withoutDecimals().range([1, 1440]),
    frequency: vine.enum(FREQUENCIES),
    initialId: vine.number().withoutDecimals().nullable().optional(),
  })
)
