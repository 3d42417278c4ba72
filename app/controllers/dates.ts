import { DateTime } from 'luxon'
import { NotFoundException } from '#exceptions/domain'

/** YYYY/MM/DD from a URL as an ISO date; anything else is a 404 (never a 500). */
export function dateFromPath(params: Record<string, string>): string {
  const { year, month, day } = params
  const date =
    /^\d{4}$/.test(year) && /^\d{1,2}$/.test(month) && /^\d{1,2}$/.test(day)
      ? DateTime.fromObject({ year: Number(year), month: Number(month), day: Number(day) })
      : null
  if (!date?.isValid) throw new NotFoundException(`no such date: ${year}/${month}/${day}`)
  return date.toISODate()!
}

/** Today in the station's zone. */
export function today(zone: string): string {
  return DateTime.now().setZone(zone).toISODate()!
}
