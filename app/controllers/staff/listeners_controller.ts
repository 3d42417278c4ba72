import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import {
  bucketSamples,
  csvField,
  diffusionAudiences,
  sessionSummary,
  stationSamples,
} from '#stats/listener_report'
import { lineChart } from '#stats/svg_chart'

const RANGES: Record<string, { days: number; buckets: number }> = {
  '1': { days: 1, buckets: 96 },
  '7': { days: 7, buckets: 168 },
  '30': { days: 30, buckets: 120 },
}

/** Listener statistics: over time, per diffusion, sessions; CSV. */
export default class ListenersController {
  async #scope({ access, request }: HttpContext) {
    const stations = await access.visibleStations()
    const station =
      stations.find((s) => s.id === Number(request.qs().station)) ?? stations[0] ?? null
    const range = RANGES[String(request.qs().days)] ?? RANGES['1']
    const to = DateTime.utc()
    return { stations, station, range, from: to.minus({ days: range.days }), to }
  }

  async index(ctx: HttpContext) {
    const { stations, station, range, from, to } = await this.#scope(ctx)
    if (!station) return ctx.view.render('pages/staff/listeners', { station: null, stations })
    const samples = await stationSamples(station, from, to)
    const buckets = bucketSamples(samples, from.toMillis(), to.toMillis(), range.buckets)
    const zone = station.timezone
    const chart = lineChart(
      [
        {
          label: ctx.i18n.t('staff.listeners.peak'),
          className: 'max',
          points: buckets.map((b) => ({ x: b.from, y: b.max })),
        },
        {
          label: ctx.i18n.t('staff.listeners.average'),
          className: 'average',
          points: buckets.map((b) => ({ x: b.from, y: b.average })),
        },
      ],
      {
        title: ctx.i18n.t('staff.listeners.chart', { station: station.name }),
        xLabel: (x) =>
          DateTime.fromMillis(x, { zone }).toFormat(range.days === 1 ? 'HH:mm' : 'dd/MM'),
      }
    )
    const audiences = (await diffusionAudiences(station, from, to, samples)).reverse()
    const sessions = await sessionSummary(station, from, to)
    const now = samples.at(-1) ?? null
    return ctx.view.render('pages/staff/listeners', {
      station,
      stations,
      days: range.days,
      chart,
      audiences,
      sessions,
      now,
      count: samples.length,
    })
  }

  /** The samples (or the audience per diffusion) of the range, as CSV. */
  async csv(ctx: HttpContext) {
    const { station, range, from, to } = await this.#scope(ctx)
    if (!station) return ctx.response.notFound('no station')
    const samples = await stationSamples(station, from, to)
    const what = ctx.request.qs().what === 'audience' ? 'audience' : 'samples'
    const lines: string[] = []
    if (what === 'audience') {
      lines.push('start,end,program,episode,average,peak,samples')
      for (const { diffusion, audience } of await diffusionAudiences(station, from, to, samples)) {
        lines.push(
          [
            diffusion.start.toISO(),
            diffusion.end.toISO(),
            diffusion.program.title,
            diffusion.episode.title,
            audience?.average.toFixed(1) ?? '',
            audience?.peak ?? '',
            audience?.samples ?? 0,
          ]
            .map(csvField)
            .join(',')
        )
      }
    } else {
      lines.push('time,listeners')
      for (const s of samples)
        lines.push(`${DateTime.fromMillis(s.at, { zone: 'utc' }).toISO()},${s.listeners}`)
    }
    ctx.response.header('content-type', 'text/csv; charset=utf-8')
    ctx.response.header(
      'content-disposition',
      `attachment; filename="${station.slug}-${what}-${range.days}d.csv"`
    )
    return lines.join('\n') + '\n'
  }
}
