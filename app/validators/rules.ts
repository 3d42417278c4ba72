/*
| VineJS rules for the domain's own value shapes, checked by the same pure
| functions the schedule engine uses.
*/
import vine from '@vinejs/vine'
import { isValidDate, isValidTime, isValidZone } from '#scheduling/recurrence'

const zoneRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !isValidZone(value)) field.report('The {{ field }} field must be an IANA time zone, such as Europe/Brussels', 'zone', field)
})
const dateRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !isValidDate(value)) field.report('The {{ field }} field must be a date (YYYY-MM-DD)', 'calendarDate', field)
})
const timeRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !isValidTime(value)) field.report('The {{ field }} field must be a time (HH:MM)', 'clockTime', field)
})

export const zone = () => vine.string().trim().use(zoneRule())
export const calendarDate = () => vine.string().trim().use(dateRule())
export const clockTime = () => vine.string().trim().use(timeRule())
/** URL-safe lowercase words: a-z, 0-9 and dashes. */
export const slug = () => vine.string().trim().toLowerCase().maxLength(100).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
/** An HTML checkbox: "on" when ticked, absent when not. */
export const checkbox = () => vine.boolean().optional()
