import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { DateTime } from 'luxon'
import { join } from 'node:path'
import { stat, writeFile } from 'node:fs/promises'
import Station from '#models/station'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Sound from '#models/sound'
import Track from '#models/track'
import Diffusion from '#models/diffusion'
import { makeMusic, makeTalk } from '#demo/demo_audio'
import { DiffusionGenerator } from '#scheduling/diffusion_generator'
import { addDays } from '#scheduling/recurrence'

const ZONE = 'Europe/Brussels'

/** The first date on or after `from` that falls on an ISO weekday (1 = Monday). */
function nextWeekday(from: DateTime, weekday: number) {
  return from.plus({ days: (weekday - from.weekday + 7) % 7 }).toISODate()!
}

/**
 * The demo station of the README: Europe/Brussels, a music rotation, a
 * weekly talk show with its rerun, a fortnightly jazz show, generated audio
 * with tracklists, and this month's and next month's diffusions. Running it
 * again changes nothing.
 */
export default class DemoSeeder extends BaseSeeder {
  async run() {
    if (await Station.findBy('slug', 'demo')) {
      console.log('The demo station is already there: nothing to do.')
      return
    }

    const station = await Station.create({
      name: 'Antenne Demo',
      slug: 'demo',
      timezone: ZONE,
      isDefault: true,
      active: true,
      harborPort: 8005,
      harborPassword: 'livehackme',
    })
    await station.related('outputs').create({
      type: 'icecast',
      host: '127.0.0.1',
      port: 8000,
      mount: '/demo.mp3',
      password: 'hackme',
      format: 'mp3',
      bitrate: 128,
      active: true,
    })

    const rotation = await station.related('programs').create({ title: 'Music Rotation', slug: 'rotation', active: true })
    await rotation.related('stream').create({ begin: null, end: null, delay: 0 })
    const talk = await station.related('programs').create({ title: 'Morning Talk', slug: 'morning-talk', active: true })
    const jazz = await station.related('programs').create({ title: 'Jazz Fortnight', slug: 'jazz-fortnight', active: true })

    const today = DateTime.now().setZone(ZONE).startOf('month')
    const monday = nextWeekday(today, 1)
    const talkSchedule = await Schedule.create({
      programId: talk.id,
      date: monday,
      time: '08:00',
      timezone: ZONE,
      duration: 60,
      frequency: 'every',
    })
    // Rerun on Saturday afternoon.
    await Schedule.create({
      programId: talk.id,
      initialId: talkSchedule.id,
      date: addDays(monday, 5),
      time: '14:00',
      timezone: ZONE,
      duration: 60,
      frequency: 'every',
    })
    await Schedule.create({
      programId: jazz.id,
      date: nextWeekday(today, 5),
      time: '20:00',
      timezone: ZONE,
      duration: 120,
      frequency: 'one_on_two',
    })

    await this.rotationSounds(rotation)

    const generator = new DiffusionGenerator()
    await generator.apply(await generator.plan({ stations: ['demo'] }))
    await generator.apply(await generator.plan({ stations: ['demo'], nextMonth: true }))

    await this.archive(talk, 'Good morning from Antenne Demo. Today: community news, the weather, and a song.', 40)
    await this.archive(jazz, 'Welcome to Jazz Fortnight on Antenne Demo.', 30)
    console.log(`Demo station ready: ${station.workingDir}, sounds in ${rotation.soundsDir}/..`)
  }

  /** Six songs tagged as such, and a mix whose tracklist has timestamps. */
  private async rotationSounds(program: Program) {
    const songs = [
      ['Les Ondes', 'Signal Clair'],
      ['Marée Basse', 'Signal Clair'],
      ['Night Bus', 'The Relays'],
      ['Campus Morning', 'The Relays'],
      ['Static Bloom', 'Modulation'],
      ['Brussels Rain', 'Modulation'],
    ]
    for (const [i, [title, artist]] of songs.entries()) {
      const seconds = 24 + i * 4
      const name = `${String(i + 1).padStart(2, '0')}_${title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\W+/g, '_')}`
      const path = await makeMusic(join(program.archivesDir, `${name}.ogg`), seconds, i * 3, {
        title,
        artist,
        album: 'Antenne Demo Sessions',
        date: '2026',
      })
      const sound = await this.sound(program, path, title, seconds)
      await Track.create({ soundId: sound.id, position: 0, timestamp: 0, title, artist, album: 'Antenne Demo Sessions' })
    }

    // A 60 s mix of three pieces: tracks at 0, 20 and 40 seconds, with the
    // Aircox CSV beside it (artist;title;minutes;seconds;tags;info).
    const mixTracks = [
      ['Signal Clair', 'Ouverture', 0, 0],
      ['The Relays', 'Interlude', 0, 20],
      ['Modulation', 'Coda', 0, 40],
    ] as const
    const mixPath = await makeMusic(join(program.archivesDir, 'mix_demo_session.ogg'), 60, 11, {
      title: 'Demo Session Mix',
      artist: 'Various',
    })
    const csv = ['# artist;title;minutes;seconds;tags;info']
      .concat(mixTracks.map(([artist, title, m, s]) => `${artist};${title};${m};${s};demo;`))
      .join('\n')
    await writeFile(mixPath.replace(/\.ogg$/, '.csv'), csv + '\n')
    const mix = await this.sound(program, mixPath, 'Demo Session Mix', 60)
    for (const [position, [artist, title, m, s]] of mixTracks.entries()) {
      await Track.create({ soundId: mix.id, position, timestamp: m * 60 + s, title, artist, tags: 'demo' })
    }
  }

  /**
   * An archive for the program's next episode, named Aircox's way
   * (yyyymmdd_HHhMM_name), with its episode tracklist.
   */
  private async archive(program: Program, text: string, seconds: number) {
    const next = await Diffusion.query()
      .where('program_id', program.id)
      .whereNull('initial_id')
      .withScopes((s) => {
        s.onAir()
        s.afterDate()
      })
      .first()
    if (!next) return
    const local = next.start.setZone(ZONE)
    const path = await makeTalk(
      join(program.archivesDir, `${local.toFormat("yyyyMMdd_HH'h'mm")}_${program.slug.replace(/-/g, '_')}.ogg`),
      text,
      seconds,
      { title: program.title, artist: 'Antenne Demo' }
    )
    const sound = await this.sound(program, path, `${program.title} ${local.toFormat('yyyy-MM-dd')}`, seconds)
    sound.episodeId = next.episodeId
    sound.isPublic = true
    await sound.save()
    await Track.createMany([
      { episodeId: next.episodeId, position: 0, title: 'Les Ondes', artist: 'Signal Clair' },
      { episodeId: next.episodeId, position: 1, title: 'Night Bus', artist: 'The Relays' },
    ])
  }

  private async sound(program: Program, path: string, name: string, seconds: number) {
    const { mtime } = await stat(path)
    return Sound.updateOrCreate(
      { path },
      {
        programId: program.id,
        name,
        type: 'archive',
        duration: seconds,
        mtime: DateTime.fromJSDate(mtime),
        isGoodQuality: true,
        isPublic: false,
      }
    )
  }
}
