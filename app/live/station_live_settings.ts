/*
| A station's live settings, saved from the CMS. The margins reach the live
| gate's credentials file at once (the change stamp makes the streamer
| rewrite it); silence, jingle and recording are in the station's script,
| written at the streamer's next start.
*/
import type { Infer } from '@vinejs/vine/types'
import antenneConfig from '#config/antenne'
import type Station from '#models/station'
import { touchChangeStamp } from '#models/change_stamp'
import type { stationLiveValidator } from '#validators/live'

export type StationLiveSettings = Infer<typeof stationLiveValidator>

/** Where a silence jingle may be: the station's own folder and the programs' sound folders. */
export function liveJingleFolders(station: Station): string[] {
  return [station.workingDir, antenneConfig.programsDir]
}

export async function saveStationLiveSettings(station: Station, input: StationLiveSettings) {
  await station
    .merge({
      liveMarginBefore: input.liveMarginBefore,
      liveMarginAfter: input.liveMarginAfter,
      liveSilenceAfter: input.liveSilenceAfter,
      liveSilenceJingle: input.liveSilenceJingle ?? null,
      liveRecordFormat: input.liveRecordFormat ?? null,
    })
    .save()
  touchChangeStamp()
  return station
}
