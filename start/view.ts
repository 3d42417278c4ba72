/*
| Helpers of the Edge views: times and days in the station's zone and the
| reader's language (luxon does the DST arithmetic).
*/
import edge from 'edge.js'
import { DateTime } from 'luxon'

function instant(value: DateTime | string | number) {
  if (DateTime.isDateTime(value)) return value
  return typeof value === 'number' ? DateTime.fromMillis(value) : DateTime.fromISO(value)
}

edge.global('clock', (value: DateTime | string | number, zone: string, locale = 'en') =>
  instant(value).setZone(zone).setLocale(locale).toFormat('HH:mm')
)
edge.global('longDay', (isoDate: string, locale = 'en') => DateTime.fromISO(isoDate).setLocale(locale).toFormat('cccc d LLLL yyyy'))
edge.global('shortDay', (isoDate: string, locale = 'en') => DateTime.fromISO(isoDate).setLocale(locale).toFormat('ccc d'))
/** `/week/2026/11/23` from a prefix and an ISO date. */
edge.global('datePath', (prefix: string, isoDate: string) => `${prefix}/${isoDate.replace(/-/g, '/')}`)
