/*
| The Icecast mounts of the stations in the database, for `icecast:config`,
| the fallback sources and `doctor`.
*/
import { StreamerConfigException } from '#exceptions/domain'
import Output, { isMountName } from '#models/output'
import Station from '#models/station'
import type { IcecastMount } from '#streamer/icecast_config'

export interface StationMount extends IcecastMount {
  outputId: number
  stationId: number
  stationSlug: string
  host: string
  port: number
}

/** The active Icecast outputs of active stations (or of the named ones), optionally on one port. */
export async function icecastMounts(
  options: { stations?: string[]; port?: number } = {}
): Promise<StationMount[]> {
  const query = Output.query()
    .where('type', 'icecast')
    .withScopes((s) => s.active())
    .preload('station')
    .orderBy('id')
  if (options.port) query.where('port', options.port)
  const outputs = await query
  if (options.stations?.length) {
    const known = await Station.query().whereIn('slug', options.stations)
    const missing = options.stations.filter((slug) => !known.some((s) => s.slug === slug))
    if (missing.length) throw new StreamerConfigException(`unknown station "${missing[0]}"`)
  }
  const mounts: StationMount[] = []
  for (const output of outputs) {
    if (
      !output.station.active ||
      (options.stations?.length && !options.stations.includes(output.station.slug))
    )
      continue
    if (!output.host || !output.port || !output.mount || !output.password) continue
    if (!isMountName(output.mount)) {
      throw new StreamerConfigException(
        `station "${output.station.slug}": output ${output.id} has an invalid mount "${output.mount}" (an absolute path of letters, digits, . _ ~ - and /)`
      )
    }
    mounts.push({
      outputId: output.id,
      stationId: output.stationId,
      stationSlug: output.station.slug,
      station: output.station.name,
      host: output.host,
      port: output.port,
      mount: output.mount,
      password: output.password,
      format: output.format,
      bitrate: output.bitrate,
    })
  }
  return mounts
}
