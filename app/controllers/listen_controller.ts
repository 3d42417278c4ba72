import type { HttpContext } from '@adonisjs/core/http'
import { NotFoundException } from '#exceptions/domain'
import { listenerRegion, m3uPlaylist, plsPlaylist, stationSources } from '#on_air/listen'
import { publicOrigin } from '#feeds/public_origin'
import antenneConfig from '#config/antenne'

/** The station's streams as playlists for players (`/listen.m3u`, `/listen.pls`). */
export default class ListenController {
  async m3u(ctx: HttpContext) {
    const { name, sources } = await ListenController.#sources(ctx)
    ctx.response.header('content-type', 'audio/x-mpegurl; charset=utf-8')
    return m3uPlaylist(name, sources)
  }

  async pls(ctx: HttpContext) {
    const { name, sources } = await ListenController.#sources(ctx)
    ctx.response.header('content-type', 'audio/x-scpls; charset=utf-8')
    return plsPlaylist(name, sources)
  }

  static async #sources({ station, request, response }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const origin = publicOrigin(antenneConfig.publicUrl, request.hostname(), station.hosts)
    // The region a GeoIP proxy in front says (X-Antenne-Region), or the listener's own choice.
    const region = listenerRegion(request.header('x-antenne-region') ?? request.qs().region)
    const sources = await stationSources(station, origin, { region })
    // With edges the order changes from one request to the next (round robin): never cached.
    if (sources.some((s) => s.node)) response.header('cache-control', 'no-store')
    return { name: station.name, sources }
  }
}
