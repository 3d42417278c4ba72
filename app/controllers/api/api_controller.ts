import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import vine from '@vinejs/vine'
import type { SimplePaginatorContract } from '@adonisjs/lucid/types/querybuilder'
import { DateTime } from 'luxon'
import Program from '#models/program'
import Episode from '#models/episode'
import Station from '#models/station'
import { NotFoundException } from '#exceptions/domain'
import { nowPlaying } from '#on_air/now_playing'
import { OnAirLog, episodeUrl } from '#on_air/on_air_log'
import { weekTimetable } from '#scheduling/timetable'
import { today } from '#controllers/dates'
import { imageLinks } from '#images/image_urls'

const MAX_PAGE = 100_000

const queryValidator = vine.compile(
  vine.object({
    station: vine.string().trim().maxLength(64).optional(),
    date: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
    // Bounded: a page past any real list is a client's mistake, not a query to run.
    page: vine.number().withoutDecimals().min(1).max(MAX_PAGE).optional(),
  })
)

/** The station of an API call: `?station=slug`, else the host's (see StationMiddleware). */
async function query(ctx: HttpContext) {
  const input = await queryValidator.validate(ctx.request.qs())
  const station = input.station
    ? await Station.query().where('slug', input.station).where('active', true).first()
    : ctx.station
  if (!station)
    throw new NotFoundException(input.station ? `no station "${input.station}"` : 'no station yet')
  const date = input.date ? DateTime.fromJSDate(input.date).toISODate()! : null
  return { station, date, page: input.page ?? 1, stationParam: input.station }
}

/** Pagination links on the route's own path, keeping `?station=`. */
function links(paginator: SimplePaginatorContract<unknown>, ctx: HttpContext, station?: string) {
  paginator.baseUrl(ctx.request.url()).queryString(station ? { station } : {})
}

const iso = (ms: number | null) =>
  ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toISO()

/** The public, read-only JSON API (/api/v1). */
export default class ApiController {
  async now(ctx: HttpContext) {
    const { station } = await query(ctx)
    return nowPlaying(station)
  }

  /** Aircox's /api/logs: the last 30 minutes, or one day with ?date=; items type, start, end, title, artist, info, url, cover. */
  async logs(ctx: HttpContext) {
    const { station, date } = await query(ctx)
    const now = DateTime.utc()
    const items = date
      ? await OnAirLog.day(station, date, now)
      : await OnAirLog.between(station, now.minus({ minutes: 30 }), now, now)
    return {
      station: station.slug,
      date,
      items: items.map((item) => ({
        ...item,
        start: iso(item.start),
        end: iso(item.end),
        ...(item.type === 'diffusion'
          ? { tracks: item.tracks.map((t) => ({ ...t, start: iso(t.start), end: null })) }
          : {}),
      })),
    }
  }

  async timetable(ctx: HttpContext) {
    const { station, date } = await query(ctx)
    const days = await weekTimetable(station, date ?? today(station.timezone))
    return {
      station: station.slug,
      timezone: station.timezone,
      days: days.map(({ day, diffusions }) => ({
        day,
        diffusions: diffusions.map((d) => ({
          start: d.start.toISO(),
          end: d.end.toISO(),
          title: d.episode.title,
          program: d.program.slug,
          url: episodeUrl(d.program.slug, d.episode.slug),
          rerun: d.initialId !== null,
        })),
      })),
    }
  }

  async programs(ctx: HttpContext) {
    const { station, page, stationParam } = await query(ctx)
    const programs = await Program.query()
      .where('station_id', station.id)
      .where('active', true)
      .orderBy('title')
      .paginate(page, 50)
    links(programs, ctx, stationParam)
    return {
      meta: programs.getMeta(),
      data: programs.all().map((p) => ({
        slug: p.slug,
        title: p.title,
        description: p.description,
        url: router.makeUrl('programs.show', { program: p.slug }),
        image: imageLinks(p.image),
      })),
    }
  }

  async episodes(ctx: HttpContext) {
    const { station, page, stationParam } = await query(ctx)
    const program = await Program.findPublicOrFail(station, String(ctx.params.program))
    const episodes = await Episode.query()
      .where('program_id', program.id)
      .preload('diffusions', (d) => d.orderBy('start'))
      .orderBy('id', 'desc')
      .paginate(page, 50)
    links(episodes, ctx, stationParam)
    return {
      meta: episodes.getMeta(),
      data: episodes.all().map((e) => ({
        slug: e.slug,
        title: e.title,
        url: episodeUrl(program.slug, e.slug),
        // Its own cover, else its program's.
        image: imageLinks(e.image ?? program.image),
        diffusions: e.diffusions.map((d) => ({
          start: d.start.toISO(),
          end: d.end.toISO(),
          type: d.type,
        })),
      })),
    }
  }
}
