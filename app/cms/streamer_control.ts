/*
| The CMS's view of a running streamer: it asks the station's Liquidsoap over
| the same socket as the monitor (one short connection per page or action),
| and sends the two actions a station's staff need on air: skip, push.
*/
import antenneConfig from '#config/antenne'
import type Station from '#models/station'
import type Sound from '#models/sound'
import { LiquidsoapCommandException } from '#exceptions/domain'
import { StationControl } from '#streamer/station_control'
import { stationPaths } from '#streamer/station_config'
import type { OnAirStatus } from '#streamer/on_air_status'
import { requestUri, soundGain } from '#streamer/liquidsoap_script'

export interface StreamerView {
  status: OnAirStatus | null
  /** Why there is no status: the streamer is not running, or does not answer. */
  error: string | null
  dealerQueue: string[]
}

async function withControl<T>(
  station: Station,
  run: (control: StationControl) => Promise<T>
): Promise<T> {
  const control = StationControl.at(
    { path: stationPaths(station).socket },
    { timeout: 3000, connectTimeout: 1000 }
  )
  try {
    return await run(control)
  } finally {
    await control.close()
  }
}

export async function readStreamer(station: Station): Promise<StreamerView> {
  try {
    return await withControl(station, async (control) => ({
      status: await control.status(),
      error: null,
      dealerQueue: await control.dealerQueue(20),
    }))
  } catch (error) {
    return { status: null, error: (error as Error).message, dealerQueue: [] }
  }
}

/** Skips what is on air (the fallback then plays the next thing: the dealer's queue, or the rotation). */
export async function skipOnAir(station: Station) {
  await withControl(station, (control) => control.skip())
}

/**
 * Queues a sound on the dealer: it plays as soon as the dealer is open and
 * free (at once, unless a diffusion is queued ahead of it), at its gain.
 */
export async function pushSound(station: Station, sound: Sound) {
  const gain = soundGain(sound, antenneConfig.streamer.loudnessTarget)
  const uri = requestUri(sound.path, { liq_amplify: gain === null ? null : `${gain} dB` })
  const queued = await withControl(station, (control) => control.pushChecked(uri))
  if (!queued)
    throw new LiquidsoapCommandException(
      `dealer.push_checked ${uri}: cannot resolve or decode ${uri}`
    )
}
