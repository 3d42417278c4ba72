/*
| The episode a sound file belongs to, from the date (and time) in its name
| (Aircox's find_episode): the program's diffusion then, in the station's zone.
*/
import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Diffusion from '#models/diffusion'
import { sqlDateTime } from '#models/columns'
import type Program from '#models/program'
import type { parseSoundFileName } from '#library/sound_file_name'

export async function episodeOfSoundFile(
  file: { path: string; program: Program },
  parsed: ReturnType<typeof parseSoundFileName>,
  trx: TransactionClientContract,
  warn: (message: string) => void
): Promise<number | null> {
  const zone = file.program.station.timezone
  const { year, month, day } = parsed.date!
  const query = Diffusion.query({ client: trx })
    .where('program_id', file.program.id)
    .orderByRaw('initial_id IS NULL DESC')
  let when: string
  if (parsed.time) {
    const at = DateTime.fromObject(
      { year, month, day, hour: parsed.time.hour, minute: parsed.time.minute },
      { zone }
    )
    when = at.toFormat("yyyy-MM-dd 'at' HH:mm")
    // Airing then, or starting within that minute (the name has no seconds: a live recording's
    // diffusion may start at 10:00:30).
    const instant = sqlDateTime(at.plus({ seconds: 1 }))
    query
      .where((airing) =>
        airing
          .where((now) => now.where('start', '<=', instant).where('end', '>', instant))
          .orWhere((minute) =>
            minute
              .where('start', '>=', sqlDateTime(at))
              .where('start', '<', sqlDateTime(at.plus({ minutes: 1 })))
          )
      )
      .orderBy('start', 'asc')
  } else {
    const date = DateTime.fromObject({ year, month, day }, { zone })
    when = date.toFormat('yyyy-MM-dd')
    if (!date.isValid) {
      warn(`${file.path}: ${year}-${month}-${day} is not a date; kept without episode`)
      return null
    }
    query.withScopes((s) => s.date(date.toISODate()!, zone))
  }
  const diffusion = await query.first()
  if (!diffusion)
    warn(`${file.path}: no diffusion of "${file.program.slug}" on ${when}; kept without episode`)
  return diffusion?.episodeId ?? null
}
