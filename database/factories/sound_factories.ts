import factory from '@adonisjs/lucid/factories'
import Episode from '#models/episode'
import Sound from '#models/sound'
import Track from '#models/track'
import { ProgramFactory } from '#database/factories/programme_factories'
import { EpisodeFactory } from '#database/factories/episode_factories'

let serial = 0
/** Paths are unique across the table, and some tests commit their rows. */
const run = Date.now().toString(36)

/**
 * A private archive nobody has read yet (no duration, codec or quality);
 * an episode's sound belongs to the episode's program.
 */
export const SoundFactory = factory
  .define(Sound, () => {
    const n = ++serial
    return {
      name: `sound-${n}`,
      path: `/srv/antenne/sounds/${run}/sound-${n}.mp3`,
      type: 'archive' as const,
      isPublic: false,
    }
  })
  /** Read by the library: an hour of good-quality stereo MP3. */
  .state('analysed', (sound) => {
    sound.duration = 3600
    sound.codec = 'mp3'
    sound.sampleRate = 44100
    sound.bitrate = 192000
    sound.channels = 2
    sound.isGoodQuality = true
    sound.qualityReasons = []
  })
  .state('public', (sound) => (sound.isPublic = true))
  .state('excerpt', (sound) => (sound.type = 'excerpt'))
  .relation('program', () => ProgramFactory)
  .relation('episode', () => EpisodeFactory)
  .relation('tracks', () => TrackFactory)
  .before('create', async (_, sound, { $trx }) => {
    if (!sound.programId && sound.episodeId) {
      sound.programId = (await Episode.findOrFail(sound.episodeId, { client: $trx })).programId
    }
  })
  .build()

/** A track of an episode's tracklist or of a sound: give it one of the two. */
export const TrackFactory = factory
  .define(Track, ({ faker }) => ({
    position: 0,
    title: faker.music.songName(),
    artist: faker.person.fullName(),
  }))
  .relation('episode', () => EpisodeFactory)
  .relation('sound', () => SoundFactory)
  .build()
