/*
| Helpers of the Edge views: times and days in the station's zone and the
| reader's language (luxon does the DST arithmetic).
*/
import { imageUrl } from '#images/image_urls'
import edge from 'edge.js'
import { DateTime } from 'luxon'

function instant(value: DateTime | string | number) {
  if (DateTime.isDateTime(value)) return value
  return typeof value === 'number' ? DateTime.fromMillis(value) : DateTime.fromISO(value)
}

/** HH:mm in a zone: one Intl formatter per zone, cached (luxon's setZone per item is slow on long pages). */
const clocks = new Map<string, Intl.DateTimeFormat>()
edge.global('clock', (value: DateTime | string | number, zone: string) => {
  let format = clocks.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    clocks.set(zone, format)
  }
  return format.format(instant(value).toMillis())
})
edge.global('longDay', (isoDate: string, locale = 'en') =>
  DateTime.fromISO(isoDate).setLocale(locale).toFormat('cccc d LLLL yyyy')
)
edge.global('shortDay', (isoDate: string, locale = 'en') =>
  DateTime.fromISO(isoDate).setLocale(locale).toFormat('ccc d')
)
/** The day of an instant in a zone, "Tue 8 Dec" (the next diffusions may be days away). */
edge.global('airDay', (value: DateTime | string | number, zone: string, locale = 'en') =>
  instant(value).setZone(zone).setLocale(locale).toFormat('ccc d LLL')
)
/** The params of a dated route (`route('week.show', dayParams('2026-11-23'))`) from an ISO date. */
edge.global('dayParams', (isoDate: string) => {
  const [year, month, day] = isoDate.split('-')
  return { year, month, day }
})

/** An uploaded image's rendition, by its hash (`imageUrl(program.image, 'page')`); null without one. */
edge.global('imageUrl', imageUrl)
