/*
| The timetable a calendar subscribes to (`/timetable.ics`): a station's
| diffusions from a week back to four weeks ahead, cancelled ones included
| (STATUS:CANCELLED), reruns marked, every event named by a UID that no
| request can change (the public URL's host name, never the request's).
*/
import { DateTime } from 'luxon'
import i18nManager from '@adonisjs/i18n/services/main'
import Diffusion from '#models/diffusion'
import type Station from '#models/station'
import { episodeUrl } from '#on_air/on_air_log'
import type { CalendarEvent } from '#feeds/calendar'

export const CALENDAR_DAYS_BACK = 7
export const CALENDAR_DAYS_AHEAD = 28

export function diffusionUid(id: number, publicUrl: string) {
  return `diffusion-${id}@${new URL(publicUrl).hostname}`
}

const latest = (...dates: DateTime[]) => new Date(Math.max(...dates.map((d) => d.toMillis())))

export async function timetableEvents(
  station: Station,
  links: { origin: string; publicUrl: string },
  now = DateTime.utc()
): Promise<CalendarEvent[]> {
  const diffusions = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.startingBetween(
        now.minus({ days: CALENDAR_DAYS_BACK }),
        now.plus({ days: CALENDAR_DAYS_AHEAD })
      )
    })
    .whereIn('type', ['on_air', 'cancel'])
    .preload('episode')
    .preload('program')
  // The feed's words are in one language for every subscriber: the station's.
  const i18n = i18nManager.locale(
    i18nManager.getSupportedLocaleFor(station.language || '') ?? i18nManager.defaultLocale
  )
  return diffusions.map((d) => {
    const title = `${d.program.title}: ${d.episode.title}`
    return {
      uid: diffusionUid(d.id, links.publicUrl),
      start: d.start.toJSDate(),
      end: d.end.toJSDate(),
      summary: d.isRerun ? `${title} (${i18n.t('messages.week.rerun')})` : title,
      url: links.origin + episodeUrl(d.program.slug, d.episode.slug),
      cancelled: d.type === 'cancel',
      sequence: d.sequence ?? 0,
      lastModified: latest(d.updatedAt, d.episode.updatedAt, d.program.updatedAt),
      rerunOf: d.isRerun ? diffusionUid(d.initialId!, links.publicUrl) : undefined,
    }
  })
}
