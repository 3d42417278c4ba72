import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { DateTime } from 'luxon'
import { join } from 'node:path'
import { writeFile } from 'node:fs/promises'
import Station from '#models/station'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Sound from '#models/sound'
import Track from '#models/track'
import Diffusion from '#models/diffusion'
import User from '#models/user'
import EventSink from '#models/event_sink'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import { makeMusic, makeTalk } from '#demo/demo_audio'
import { SoundLibrary } from '#library/sound_library'
import { DiffusionGenerator } from '#scheduling/diffusion_generator'
import { addDays } from '#scheduling/recurrence'

const ZONE = 'Europe/Brussels'
export const DEMO_ADMIN = { email: 'admin@antenne.test', password: 'antenne-demo' }
export const DEMO_HOST = { email: 'host@antenne.test', password: 'antenne-host' }

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
      await this.staff()
      await this.operations()
      console.log('The demo station is already there: nothing else to do.')
      return
    }

    const station = await Station.create({
      name: 'Antenne Demo',
      slug: 'demo',
      timezone: ZONE,
      isDefault: true,
      active: true,
      // The live input's password is generated (see Station); the seeder prints it.
      harborPort: 8005,
    })
    await station.related('outputs').create({
      type: 'icecast',
      host: '127.0.0.1',
      port: 8000,
      mount: '/demo.mp3',
      password: 'hackme',
      // bin/icecast's admin account: listener sessions come from it.
      adminUser: 'admin',
      adminPassword: 'hackme',
      format: 'mp3',
      bitrate: 128,
      active: true,
    })

    const rotation = await station
      .related('programs')
      .create({ title: 'Music Rotation', slug: 'rotation', active: true })
    await rotation.related('stream').create({ begin: null, end: null, delay: 0 })
    const talk = await station
      .related('programs')
      .create({ title: 'Morning Talk', slug: 'morning-talk', active: true })
    const jazz = await station
      .related('programs')
      .create({ title: 'Jazz Fortnight', slug: 'jazz-fortnight', active: true })

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

    await this.archive(
      talk,
      'Good morning from Antenne Demo. Today: community news, the weather, and a song.',
      40
    )
    await this.archive(jazz, 'Welcome to Jazz Fortnight on Antenne Demo.', 30)

    // The library does the rest, as it would for files a station copies in:
    // rows, tags, the mix's CSV tracklist, episodes by file name, loudness and quality.
    const library = SoundLibrary.configured({
      info: () => {},
      warn: (m) => console.warn(m),
      error: (m) => console.error(m),
    })
    const scan = await library.scan()
    const quality = await library.checkQuality()
    console.log(
      `Library: ${scan.added} sounds, ${scan.tracklists} tracklist(s) imported, ${quality.good} of good quality`
    )
    // Dated archives are the episodes' podcasts.
    await Sound.query().whereNotNull('episode_id').update({ is_public: true })
    console.log(`Demo station ready: ${station.workingDir}, sounds in ${rotation.soundsDir}/..`)
    console.log(
      `Live input: a source client connects to 127.0.0.1:${station.harborPort}, mount /live, password ${station.harborPassword}`
    )
    await this.staff()
    await this.operations()
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
      const name = `${String(i + 1).padStart(2, '0')}_${title
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/\W+/g, '_')}`
      await makeMusic(join(program.archivesDir, `${name}.ogg`), seconds, i * 3, {
        title,
        artist,
        album: 'Antenne Demo Sessions',
        date: '2026',
      })
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
  }

  /**
   * The demo's staff: an administrator and the host of Morning Talk, with
   * passwords printed here (a real station creates its own: node ace users:create).
   */
  private async staff() {
    const admin = await User.firstOrCreate(
      { email: DEMO_ADMIN.email },
      { ...DEMO_ADMIN, fullName: 'Demo Admin', role: 'admin' }
    )
    const host = await User.firstOrCreate(
      { email: DEMO_HOST.email },
      { ...DEMO_HOST, fullName: 'Demo Host', role: 'host' }
    )
    const talk = await Program.findBy('slug', 'morning-talk')
    if (talk) await host.related('programs').sync([talk.id], false)
    console.log(
      `Staff: log in at /staff as ${admin.email} / ${DEMO_ADMIN.password} (admin) or ${host.email} / ${DEMO_HOST.password} (host of Morning Talk)`
    )
  }

  /**
   * Operations of the demo: every event into a JSON lines file (see it fill
   * with tail -f tmp/events.jsonl), the RadioVIS topic, and Icecast's admin
   * account for the listener sessions of demos seeded before it.
   */
  private async operations() {
    await EventSink.firstOrCreate(
      { name: 'demo log' },
      {
        url: `log://${app.makePath('tmp/events.jsonl')}`,
        minLevel: 'debug',
        timeoutMs: 5000,
        maxAttempts: 50,
        batchSize: 100,
        active: true,
        fromFile: false,
        cursor: 0,
        attempts: 0,
      }
    )
    await Station.query().where('slug', 'demo').whereNull('radiovis_topic').update({
      radiovis_topic: '/topic/fm/fe1/f201/09990',
      radiovis_text: 'Antenne Demo — community radio',
    })
    await db
      .from('outputs')
      .whereNull('admin_user')
      .where('host', '127.0.0.1')
      .where('port', 8000)
      .update({ admin_user: 'admin', admin_password: 'hackme' })
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
    await makeTalk(
      join(
        program.archivesDir,
        `${local.toFormat("yyyyMMdd_HH'h'mm")}_${program.slug.replace(/-/g, '_')}.ogg`
      ),
      text,
      seconds,
      { title: program.title, artist: 'Antenne Demo' }
    )
    await Track.createMany([
      { episodeId: next.episodeId, position: 0, title: 'Les Ondes', artist: 'Signal Clair' },
      { episodeId: next.episodeId, position: 1, title: 'Night Bus', artist: 'The Relays' },
    ])
  }
}
