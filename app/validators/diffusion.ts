/*
| A diffusion moved to another local date and time, or confirmed (on air)
| or cancelled, from the CMS calendar and the write API.
*/
import vine from '@vinejs/vine'
import { calendarDate, clockTime } from '#validators/rules'

export const diffusionMoveValidator = vine.compile(
  vine.object({
    date: calendarDate(),
    time: clockTime(),
    duration: vine.number().withoutDecimals().range([1, 1440]),
  })
)

export const diffusionStateValidator = vine.compile(
  vine.object({
    type: vine.enum(['on_air', 'cancel'] as const),
  })
)
