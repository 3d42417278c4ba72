/*
| A scheduler's hand edits of diffusions: confirm, cancel, move. Each is an
| edit the generator keeps (Diffusion.markEdited), and a move may not land on
| another on-air diffusion of the station.
*/
import Diffusion from '#models/diffusion'
import type Station from '#models/station'
import { wallClockToUtc } from '#scheduling/recurrence'
import { InvalidRecordException } from '#exceptions/domain'

export async function setDiffusionType(
  diffusion: Diffusion,
  type: 'on_air' | 'cancel',
  station: Station
) {
  if (type === 'on_air') await assertNoOverlap(diffusion, station, diffusion.start, diffusion.end)
  diffusion.type = type
  await diffusion.save()
  return diffusion
}

/** Moves a diffusion to a local date and time in the station's zone, with a new duration. */
export async function moveDiffusion(
  diffusion: Diffusion,
  station: Station,
  move: { date: string; time: string; duration: number }
) {
  const start = wallClockToUtc(move.date, move.time, station.timezone)
  const end = start.plus({ minutes: move.duration })
  if (diffusion.type === 'on_air') await assertNoOverlap(diffusion, station, start, end)
  diffusion.merge({ start, end })
  await diffusion.save()
  return diffusion
}

async function assertNoOverlap(
  diffusion: Diffusion,
  station: Station,
  start: Diffusion['start'],
  end: Diffusion['end']
) {
  const other = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
      s.range(start, end)
    })
    .whereNot('id', diffusion.id)
    .preload('program')
    .first()
  if (other) {
    throw new InvalidRecordException(
      `it would overlap "${other.program.title}" on air at ${other.start.setZone(station.timezone).toFormat('yyyy-MM-dd HH:mm')}`
    )
  }
}
