import type { NextFn } from '@adonisjs/core/types/http'
import type { HttpContext } from '@adonisjs/core/http'
import Station from '#models/station'
import { stationSources } from '#on_air/listen'
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
        listenSources: () =>
          station
            ? stationSources(
                station,
                publicOrigin(antenneConfig.publicUrl, ctx.request.hostname(), station.hosts)
              )
            : Promise.resolve([]),
      })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    station: Station | null
  }
}
