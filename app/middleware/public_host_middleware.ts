import app from '@adonisjs/core/services/app'
import env from '#start/env'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Station from '#models/station'
import antenneConfig from '#config/antenne'
import { isPublicHost, stationHostNames } from '#feeds/public_origin'

/** The stations' host names are read again at most this often (ms): a host just added works within it. */
const HOSTS_TTL = 10_000

/**
 * The address the server listens on (HOST), when it is one: health checks and
 * the reverse proxy may ask for http://127.0.0.1:3333/ by name. A name that
 * resolves there (DNS rebinding) is still refused.
 */
const LISTEN_HOSTS = [env.get('HOST')?.toLowerCase()].filter(
  (host): host is string => !!host && !['0.0.0.0', '::'].includes(host)
)

/**
 * In production, a request for a host name that is neither the public URL's,
 * the listening address's, nor one of the stations' gets 421 Misdirected
 * Request: nothing the site builds from the Host header (links, the station
 * chosen) can be steered by a forged one, and a page of another site cannot
 * reach this one by DNS rebinding. While developing and in tests every host
 * is served, as the framework does.
 */
export default class PublicHostMiddleware {
  static #hosts: Set<string> = new Set()
  static #readAt = -Infinity

  async handle(ctx: HttpContext, next: NextFn) {
    if (!app.inProduction) return next()
    const hostname = ctx.request.hostname()
    // The public host needs no database: /health and the pages of an outage still answer.
    if (isPublicHost(hostname, antenneConfig.publicUrl, LISTEN_HOSTS)) return next()
    if (
      isPublicHost(hostname, antenneConfig.publicUrl, await PublicHostMiddleware.#stationHosts(ctx))
    )
      return next()
    ctx.response
      .status(421)
      .header('content-type', 'text/plain; charset=utf-8')
      .send('421 Misdirected Request: this server does not serve this host name.\n')
  }

  /** The stations' host names; the last ones read while the database does not answer. */
  static async #stationHosts(ctx: HttpContext) {
    if (performance.now() - PublicHostMiddleware.#readAt < HOSTS_TTL)
      return PublicHostMiddleware.#hosts
    try {
      const stations = await Station.query().select('hosts').whereNotNull('hosts')
      PublicHostMiddleware.#hosts = new Set(
        stations.flatMap((station) => stationHostNames(station.hosts))
      )
      PublicHostMiddleware.#readAt = performance.now()
    } catch (error) {
      ctx.logger.warn(
        { err: error },
        "public host check: the stations' host names could not be read; using the last known"
      )
    }
    return PublicHostMiddleware.#hosts
  }
}
