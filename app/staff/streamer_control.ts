/*
| The CMS's view of a running streamer: it asks the station's Liquidsoap over
| the same socket as the monitor (one short connection per page or action),
| and sends the two actions a station's staff need on air: skip, push.
*/
import antenneConfig from '#config/antenne'
import type Station from '#models/station'
import type Sound from '#models/sound'
import { LiquidsoapClient } from '#streamer/telnet'
import { stationPaths } from '#streamer/station_config'
import { parseStatus, type OnAirStatus } from '#streamer/on_air_status'
import { requestUri, soundGain } from '#streamer/liquidsoap_script'

export interface StreamerView {
  status: OnAirStatus | null
  /** Why there is no status: the streamer is not running, or does not answer. */
  error: string | null
  dealerQueue: string[]
}

async function withClient<T>(station: Station, run: (client: LiquidsoapClient) => Promise<T>): Promise<T> {
  const client = new LiquidsoapClient({ path: stationPaths(station).socket }, { timeout: 3000, connectTimeout: 1000 })
  try {
    return await run(client)
  } finally {
    await client.close()
  }
}

export async function readStreamer(station: Station): Promise<StreamerView> {
  try {
    return await withClient(station, async (client) => {
      const status = parseStatus(await client.command('station.status'))
      // request.queue's own command lists the queued request ids; their URIs tell what they are.
      const ids = (await client.command('dealer.queue')).trim().split(/\s+/).filter(Boolean)
      const dealerQueue: string[] = []
      for (const id of ids.slice(0, 20)) {
        const metadata = await client.command('request.metadata', id)
        dealerQueue.push(/^filename="(.*)"$/m.exec(metadata)?.[1] ?? /^initial_uri="(.*)"$/m.exec(metadata)?.[1] ?? `request ${id}`)
      }
      return { status, error: null, dealerQueue }
    })
  } catch (error) {
    return { status: null, error: (error as Error).message, dealerQueue: [] }
  }
}

/** Skips what is on air (the fallback then plays the next thing: the dealer's queue, or the rotation). */
export async function skipOnAir(station: Station) {
  await withClient(station, (client) => client.command('main.skip'))
}

/**
 * Queues a sound on the dealer: it plays as soon as the dealer is open and
 * free (at once, unless a diffusion is queued ahead of it), at its gain.
 */
export async function pushSound(station: Station, sound: Sound) {
  const gain = soundGain(sound, antenneConfig.streamer.loudnessTarget)
  const uri = requestUri(sound.path, { liq_amplify: gain === null ? null : `${gain} dB` })
  await withClient(station, (client) => client.command('dealer.push_checked', uri, 12_000))
}
