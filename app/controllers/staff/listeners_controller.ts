import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import {
  audienceOf,
  bucketSamples,
  csvField,
  diffusionAudiences,
  listenersAt,
  nodeFigures,
  nodeSamples,
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
    const perNode = await nodeSamples(station, from, to)
    // One node only (no edge relays): the totals say it all.
    const nodes =
      perNode.size > 1 ? [...perNode].map(([node, list]) => ({ node, ...nodeFigures(list) })) : []
    const audiences = (await diffusionAudiences(station, from, to, samples))
      .map((row) => ({
        ...row,
        nodes: nodes.map(({ node }) => ({
          node,
          audience: audienceOf(
            { start: row.diffusion.start.toMillis(), end: row.diffusion.end.toMillis() },
            perNode.get(node)!
          ),
        })),
      }))
      .reverse()
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
      nodes,
    })
  }

  /** The samples (or the audience per diffusion) of the range, as CSV. */
  async csv(ctx: HttpContext) {
    const { station, range, from, to } = await this.#scope(ctx)
    if (!station) return ctx.response.notFound('no station')
    const samples = await stationSamples(station, from, to)
    const perNode = await nodeSamples(station, from, to)
    // The total first (as before edges), then with edges a column per node: the origin, each edge by name.
    const nodes = perNode.size > 1 ? [...perNode.keys()] : []
    const what = ctx.request.qs().what === 'audience' ? 'audience' : 'samples'
    const lines: string[] = []
    if (what === 'audience') {
      lines.push(
        ['start', 'end', 'program', 'episode', 'average', 'peak', 'samples']
          .concat(nodes.flatMap((n) => [`${n} average`, `${n} peak`]))
          .map(csvField)
          .join(',')
      )
      for (const { diffusion, audience } of await diffusionAudiences(station, from, to, samples)) {
        const airing = { start: diffusion.start.toMillis(), end: diffusion.end.toMillis() }
        lines.push(
          [
            diffusion.start.toISO(),
            diffusion.end.toISO(),
            diffusion.program.title,
            diffusion.episode.title,
            audience?.average.toFixed(1) ?? '',
            audience?.peak ?? '',
            audience?.samples ?? 0,
            ...nodes.flatMap((n) => {
              const part = audienceOf(airing, perNode.get(n)!)
              return [part?.average.toFixed(1) ?? '', part?.peak ?? '']
            }),
          ]
            .map(csvField)
            .join(',')
        )
      }
    } else {
      lines.push(['time', 'listeners', ...nodes].map(csvField).join(','))
      for (const s of samples)
        lines.push(
          [
            DateTime.fromMillis(s.at, { zone: 'utc' }).toISO(),
            s.listeners,
            ...nodes.map((n) => listenersAt(perNode.get(n)!, s.at)),
          ]
            .map(csvField)
            .join(',')
        )
    }
    ctx.response.header('content-type', 'text/csv; charset=utf-8')
    ctx.response.header(
      'content-disposition',
      `attachment; filename="${station.slug}-${what}-${range.days}d.csv"`
    )
    return lines.join('\n') + '\n'
  }
}
