import type { NextFn } from '@adonisjs/core/types/http'
import type { HttpContext } from '@adonisjs/core/http'
import Station from '#models/station'
import { allowStreams, listenerRegion, stationSources } from '#on_air/listen'
import { publicOrigin } from '#feeds/public_origin'
import antenneConfig from '#config/antenne'

/**
 * The station a public request is about (Aircox's AircoxMiddleware): the
 * one whose `hosts` list the request's host name, else the default one.
 */
export default class StationMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const host = (ctx.request.hostname() ?? '').toLowerCase()
    const stations = await Station.query()
      .withScopes((s) => s.active())
      .orderBy('is_default', 'desc')
      .orderBy('id')
    ctx.station =
      stations.find((station) =>
        (station.hosts ?? '').split(/\s+/).some((h) => h.toLowerCase() === host)
      ) ??
      stations.find((station) => station.isDefault) ??
      stations[0] ??
      null
    const station = ctx.station
    if ('view' in ctx)
      ctx.view.share({
        station,
        // Asked by the layout's player only, so that other responses make no query.
        // Not on the CMS's pages (its error pages use the public layout): staff pages are not for listening.
        listenSources: async () => {
          if (!station || /^\/staff(\/|$)/.test(ctx.request.url())) return []
          const origin = publicOrigin(
            antenneConfig.publicUrl,
            ctx.request.hostname(),
            station.hosts
          )
          const region = listenerRegion(
            ctx.request.header('x-antenne-region') ?? ctx.request.qs().region
          )
          const sources = await stationSources(station, origin, { region })
          // The page may play them: its policy lets media load from those origins.
          const node = ctx.response.response
          const policy = node.getHeader('content-security-policy')
          if (typeof policy === 'string')
            node.setHeader('content-security-policy', allowStreams(policy, sources))
          return sources
        },
      })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    station: Station | null
  }
}
