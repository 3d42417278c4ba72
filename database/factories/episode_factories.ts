import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import Episode from '#models/episode'
import Diffusion from '#models/diffusion'
import { ProgramFactory } from '#database/factories/programme_factories'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'

let serial = 0

export const EpisodeFactory = factory
  .define(Episode, () => {
    const n = ++serial
    return { title: `Episode ${n}`, slug: `episode-${n}` }
  })
  .relation('program', () => ProgramFactory)
  .relation('diffusions', () => DiffusionFactory)
  .relation('sounds', () => SoundFactory)
  .relation('tracks', () => TrackFactory)
  .build()

/**
 * An airing of an episode, an hour long from tomorrow 10:00 UTC unless told.
 * The program is the episode's, as generation makes it; the end follows the
 * start when only the start is given.
 */
export const DiffusionFactory = factory
  .define(Diffusion, () => ({
    type: 'on_air' as const,
    start: DateTime.utc().plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }),
  }))
  .state('unconfirmed', (diffusion) => (diffusion.type = 'unconfirmed'))
  .state('cancelled', (diffusion) => (diffusion.type = 'cancel'))
  .relation('episode', () => EpisodeFactory)
  .before('create', async (_, diffusion, { $trx }) => {
    diffusion.end ??= diffusion.start.plus({ hours: 1 })
    if (!diffusion.programId && diffusion.episodeId) {
      diffusion.programId = (
        await Episode.findOrFail(diffusion.episodeId, { client: $trx })
      ).programId
    }
  })
  .build()
