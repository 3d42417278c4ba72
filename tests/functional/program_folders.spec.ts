import { test } from '@japa/runner'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import antenneConfig from '#config/antenne'
import Program from '#models/program'
import Sound from '#models/sound'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { SoundFactory } from '#database/factories/sound_factories'
import { UserFactory } from '#database/factories/user_factory'
import { namespaceProgramFolders } from '#library/program_folders'
import { SoundLibrary } from '#library/sound_library'
import { SoundWatcher } from '#library/sound_watcher'

let serial = 0

test.group('Program folders are namespaced by station', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("two stations' programs with one slug get two folders; a path another program uses is refused", async ({
    assert,
  }) => {
    const slug = `morning-talk-${++serial}-${Date.now()}`
    const a = await StationFactory.create()
    const b = await StationFactory.create()
    const ofA = await ProgramFactory.merge({
      stationId: a.id,
      title: 'Morning Talk',
      slug,
    }).create()
    const ofB = await ProgramFactory.merge({
      stationId: b.id,
      title: 'Morning Talk',
      slug,
    }).create()
    assert.equal(ofA.soundsDir, join(antenneConfig.programsDir, a.slug, slug))
    assert.equal(ofB.soundsDir, join(antenneConfig.programsDir, b.slug, slug))
    ofB.path = ofA.path
    await assert.rejects(() => ofB.save(), /already the program/)
    await ofB.refresh()
    assert.equal(ofB.path, `${b.slug}/${slug}`)
  })

  test('a manager of station B uploading to their "Morning Talk" never touches station A\'s', async ({
    client,
    assert,
  }) => {
    const slug = `morning-talk-${++serial}-${Date.now()}`
    const a = await StationFactory.create()
    const b = await StationFactory.create()
    const ofA = await ProgramFactory.merge({
      stationId: a.id,
      title: 'Morning Talk',
      slug,
    }).create()
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([b.id])
    const created = await client
      .post('/staff/programs')
      .form({ stationId: String(b.id), title: 'Morning Talk', slug, active: 'on' })
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    created.assertStatus(302)
    const ofB = await Program.query().where('station_id', b.id).where('slug', slug).firstOrFail()
    const dir = mkdtempSync(join(tmpdir(), 'antenne-cross-'))
    // A dated name: in A's folder it would have become an archive of A's next episode.
    const wav = join(dir, '20270301_08h00_morning_talk.wav')
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2',
      '-y',
      wav,
    ])
    const upload = await client
      .post(`/staff/programs/${ofB.id}/sounds`)
      .file('file', wav)
      .field('type', 'archive')
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    upload.assertStatus(302)
    const sound = await Sound.query()
      .where('path', 'like', `%20270301_08h00_morning_talk%`)
      .firstOrFail()
    assert.equal(sound.programId, ofB.id)
    assert.isTrue(sound.path.startsWith(ofB.archivesDir))
    assert.isFalse(existsSync(ofA.archivesDir) && readdirSync(ofA.archivesDir).length > 0)
    assert.lengthOf(await Sound.query().where('program_id', ofA.id), 0)
  })

  test("the migration moves each old folder to its station's, its sounds' paths with it; a folder two programs claimed goes to the first", async ({
    assert,
  }) => {
    const root = mkdtempSync(join(tmpdir(), 'antenne-folders-'))
    const slug = `shared-${++serial}-${Date.now()}`
    const a = await StationFactory.create()
    const b = await StationFactory.create()
    // Programs as an older Antenne made them, by hand: the model would give them a path.
    const [first] = await db
      .table('programs')
      .insert({
        station_id: a.id,
        title: 'First',
        slug,
        active: true,
        accept_any_quality: false,
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const [second] = await db
      .table('programs')
      .insert({
        station_id: b.id,
        title: 'Second',
        slug,
        active: true,
        accept_any_quality: false,
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
    const firstId = typeof first === 'object' ? first.id : first
    const secondId = typeof second === 'object' ? second.id : second
    mkdirSync(join(root, slug, 'archives'), { recursive: true })
    const old = join(root, slug, 'archives', 'show.mp3')
    writeFileSync(old, 'x')
    await SoundFactory.merge({ programId: firstId, name: 'show', path: old }).create()

    const moves = await namespaceProgramFolders(db.connection(), root)
    const mine = moves.filter((m) => m.programId === firstId || m.programId === secondId)
    assert.deepEqual(
      mine.map((m) => [m.path, m.from, m.sounds]),
      [
        [`${a.slug}/${slug}`, join(root, slug), 1],
        [`${b.slug}/${slug}`, null, 0],
      ]
    )
    assert.isTrue(existsSync(join(root, a.slug, slug, 'archives', 'show.mp3')))
    assert.isFalse(existsSync(join(root, slug)))
    assert.equal(
      (await db.from('sounds').where('program_id', firstId).firstOrFail()).path,
      join(root, a.slug, slug, 'archives', 'show.mp3')
    )
    assert.equal(
      (await db.from('programs').where('id', secondId).firstOrFail()).path,
      `${b.slug}/${slug}`
    )
    // Run again: nothing left to do.
    assert.deepEqual(
      (await namespaceProgramFolders(db.connection(), root)).filter(
        (m) => m.programId === firstId || m.programId === secondId
      ),
      []
    )
  })

  test("the library watcher sees a file copied into a station's program folder (two levels down) within seconds", async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Watched',
      slug: `watched-${++serial}-${Date.now()}`,
    }).create()
    mkdirSync(program.archivesDir, { recursive: true })
    const quiet = { info: () => {}, warn: () => {}, error: () => {} }
    const watcher = new SoundWatcher(SoundLibrary.configured(quiet, { workers: 1 }), {
      programsDir: antenneConfig.programsDir,
      settle: 300,
      rescanInterval: 3600_000,
      checkQuality: false,
      debounce: 100,
      logger: quiet,
    })
    await watcher.start()
    try {
      const file = join(program.archivesDir, 'dropped.wav')
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=2',
        '-y',
        file,
      ])
      const until = Date.now() + 15_000
      let sound: Sound | null = null
      while (!sound && Date.now() < until) {
        sound = await Sound.findBy('path', file)
        if (!sound) await new Promise((r) => setTimeout(r, 100))
      }
      assert.isNotNull(sound, 'the watcher did not read the file copied into the folder')
      assert.equal(sound!.programId, program.id)
    } finally {
      await watcher.stop()
    }
  })
})
