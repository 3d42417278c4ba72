import { test } from '@japa/runner'
import Edge from '#models/edge'
import { addEdge } from '#edges/edge_registry'
import { DateTime } from 'luxon'
import {
  mkdtempSync,
  readdirSync,
  writeFileSync,
  mkdirSync,
  readFileSync,
  existsSync,
} from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Log from '#models/log'
import Program from '#models/program'
import Schedule from '#models/schedule'
import Station from '#models/station'
import {
  ProgramFactory,
  ScheduleFactory,
  StationFactory,
} from '#database/factories/programme_factories'
import { LogFactory } from '#database/factories/log_factory'
import { SoundFactory } from '#database/factories/sound_factories'
import { LogArchiver, archivePath } from '#archives/log_archiver'
import { readJsonlGzip } from '#archives/jsonl_gzip'
import { createBackup, restoreBackup, stationFileTarget } from '#archives/backup'
import LogsArchive from '#commands/logs_archive'
import Restore from '#commands/restore'
import { runCommand } from '#tests/helpers'
import { stationPaths } from '#streamer/station_config'

const ZONE = 'Europe/Brussels'
let serial = 0

async function lines(path: string) {
  const out: Array<Record<string, any>> = []
  for await (const line of readJsonlGzip(path)) out.push(line)
  return out
}

test.group('node ace logs:archive', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('old logs move to one gzipped file per station and local day; recent ones stay; again merges; restore puts them back once', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      timezone: ZONE,
      slug: `arch-${++serial}-${Date.now()}`,
    }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      slug: `p-${++serial}`,
    }).create()
    const sound = await SoundFactory.merge({ programId: program.id }).create()
    const now = DateTime.utc()
    // 23:30 UTC in winter is 00:30 the next day in Brussels: the station's day names the file.
    const late = DateTime.fromISO('2026-01-04T23:30:00.250Z')
    const old = await LogFactory.merge([
      { stationId: station.id, type: 'on_air', date: late, soundId: sound.id, comment: 'a' },
      { stationId: station.id, type: 'start', date: late.minus({ hours: 3 }), comment: 'b' },
    ]).createMany(2)
    const recent = await LogFactory.merge({
      stationId: station.id,
      date: now.minus({ days: 2 }),
      comment: 'recent',
    }).create()
    const dir = mkdtempSync(join(tmpdir(), 'antenne-archive-'))
    const archiver = new LogArchiver(dir)

    assert.equal((await archiver.archive(60, { stations: [station.slug], dryRun: true })).rows, 2)
    assert.lengthOf(await Log.query().where('station_id', station.id), 3)
    const report = await archiver.archive(60, { stations: [station.slug] })
    assert.equal(report.rows, 2)
    assert.sameMembers(report.files, [
      archivePath(dir, station.slug, '2026-01-05'),
      archivePath(dir, station.slug, '2026-01-04'),
    ])
    assert.deepEqual(
      (await Log.query().where('station_id', station.id)).map((l) => l.id),
      [recent.id]
    )
    const day = await lines(archivePath(dir, station.slug, '2026-01-05'))
    assert.deepEqual(
      day.map((l) => [l.id, l.type, l.comment, l.station, l.sound_id]),
      [[old[0].id, 'on_air', 'a', station.slug, sound.id]]
    )
    assert.equal(day[0].date, '2026-01-04 23:30:00.250')

    // Another old log of the same day: merged into its file.
    const more = await LogFactory.merge({
      stationId: station.id,
      date: late.plus({ minutes: 10 }),
      comment: 'c',
    }).create()
    await archiver.archive(60, { stations: [station.slug] })
    assert.deepEqual(
      (await lines(archivePath(dir, station.slug, '2026-01-05'))).map((l) => l.comment),
      ['a', 'c']
    )

    // The sound went meanwhile: restored logs keep their row, without it.
    await sound.delete()
    const restored = await archiver.restore(join(dir, station.slug))
    assert.deepInclude(restored, { inserted: 3, present: 0, files: 2 })
    const back = await Log.query().where('station_id', station.id).orderBy('date')
    assert.deepEqual(
      back.map((l) => l.id).sort(),
      [old[0].id, old[1].id, recent.id, more.id].sort()
    )
    assert.isNull(back.find((l) => l.id === old[0].id)!.soundId)
    assert.equal(back.find((l) => l.id === old[0].id)!.date.toMillis(), late.toMillis())
    assert.deepInclude(await archiver.restore(dir), { inserted: 0, present: 3 })
  })

  test('bad input: a wrong age, an unknown station, a missing or corrupt archive: one error line, exit 1, nothing changed', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-archive-'))
    const zero = await runCommand(LogsArchive, ['--age', '0', '--dir', dir])
    assert.equal(zero.exitCode, 1)
    assert.include(zero.output, 'E_INVALID_ARGUMENT: invalid --age "0"')
    const unknown = await runCommand(LogsArchive, ['--station', 'nowhere', '--dir', dir])
    assert.include(unknown.output, 'no station "nowhere"')
    const missing = await runCommand(LogsArchive, ['--restore', join(dir, 'nothing.jsonl.gz')])
    assert.include(missing.output, 'no archive at')
    const station = await StationFactory.create()
    mkdirSync(join(dir, station.slug))
    const good = JSON.stringify({
      id: 999_000_001,
      station_id: station.id,
      station: station.slug,
      type: 'on_air',
      date: '2026-01-01 00:00:00',
      source: null,
      comment: 'x',
      sound_id: null,
      track_id: null,
      diffusion_id: null,
    })
    writeFileSync(join(dir, station.slug, '2026-01-01.jsonl.gz'), gzipSync(`${good}\n{not json\n`))
    const corrupt = await runCommand(LogsArchive, [
      '--restore',
      join(dir, station.slug, '2026-01-01.jsonl.gz'),
    ])
    assert.equal(corrupt.exitCode, 1)
    assert.include(corrupt.output, 'line 2 is not JSON')
    assert.isNull(await Log.find(999_000_001))
  })
})

test.group('node ace backup and restore', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a backup restores the database and the station scripts as they were, and old backups are pruned', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      timezone: ZONE,
      name: 'Backed Up',
      slug: `bk-${++serial}-${Date.now()}`,
    }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Kept',
      slug: `kept-${++serial}`,
    }).create()
    const schedule = await ScheduleFactory.merge({
      programId: program.id,
      date: '2030-01-07',
      time: '08:00',
      timezone: ZONE,
    }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      initialId: schedule.id,
      date: '2030-01-12',
      time: '14:00',
      timezone: ZONE,
    }).create()
    const log = await LogFactory.merge({
      stationId: station.id,
      date: DateTime.fromISO('2026-11-30T10:00:00.125Z'),
      comment: 'kept',
    }).create()
    const { edge, passwords } = await addEdge({
      name: `bk-edge-${serial}`,
      host: 'edge.radio.example',
      port: 8000,
      stations: [station.slug],
    })
    const script = stationPaths(station).script
    mkdirSync(stationPaths(station).dir, { recursive: true })
    writeFileSync(script, '# the station script\n')
    const dir = mkdtempSync(join(tmpdir(), 'antenne-backups-'))
    const first = await createBackup(dir, 2, DateTime.fromISO('2026-12-01T00:00:00Z'))
    assert.isAbove(first.counts.stations, 0)
    assert.equal(first.counts.files! >= 1, true)

    // Everything changes after the backup...
    await program.delete()
    await edge.delete()
    await StationFactory.merge({ name: 'After', timezone: ZONE }).create()
    writeFileSync(script, '# changed\n')
    const refused = await runCommand(Restore, [first.path])
    assert.equal(refused.exitCode, 1)
    assert.include(refused.output, 'add --force')
    assert.isNull(await Program.find(program.id))

    const restored = await runCommand(Restore, [first.path, '--force'])
    assert.equal(restored.exitCode, 0, restored.output)
    assert.equal((await Program.findOrFail(program.id)).title, 'Kept')
    assert.lengthOf(await Schedule.query().where('program_id', program.id), 2)
    assert.isNull(await Station.findBy('name', 'After'))
    assert.equal((await Log.findOrFail(log.id)).date.toMillis(), log.date.toMillis())
    assert.equal(readFileSync(script, 'utf8'), '# the station script\n')
    // The edge, its passwords and the station it relays are back.
    const back = await Edge.query().where('id', edge.id).preload('stations').firstOrFail()
    assert.equal(back.adminPassword, passwords.adminPassword)
    assert.deepEqual(
      back.stations.map((s) => s.id),
      [station.id]
    )

    await createBackup(dir, 2, DateTime.fromISO('2026-12-02T00:00:00Z'))
    await createBackup(dir, 2, DateTime.fromISO('2026-12-03T00:00:00Z'))
    assert.deepEqual(readdirSync(dir).sort(), [
      'antenne-20261202-000000.backup.gz',
      'antenne-20261203-000000.backup.gz',
    ])
    assert.isFalse(existsSync(first.path))
  })

  test('a file that is not a backup is refused and nothing changes', async ({ assert }) => {
    const station = await StationFactory.create()
    const dir = mkdtempSync(join(tmpdir(), 'antenne-backups-'))
    writeFileSync(join(dir, 'fake.backup.gz'), gzipSync('{"format":"something-else"}\n'))
    await assert.rejects(
      () => restoreBackup(join(dir, 'fake.backup.gz')),
      /is not an Antenne backup/
    )
    writeFileSync(
      join(dir, 'bad.backup.gz'),
      gzipSync(
        `{"format":"antenne-backup","version":1,"migrations":[]}\n{"table":"stations","row":{"id":1}}\n{"table":"nope","row":{}}\n`
      )
    )
    await assert.rejects(() => restoreBackup(join(dir, 'bad.backup.gz')), /unknown table "nope"/)
    assert.exists(await Station.find(station.id))
    void db
  })

  test('a crafted backup (a bad file entry after good rows, a script outside the stations) changes nothing: database and files stay', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      slug: `crafted-${++serial}-${Date.now()}`,
    }).create()
    const script = stationPaths(station).script
    mkdirSync(stationPaths(station).dir, { recursive: true })
    writeFileSync(script, '# before\n')
    const dir = mkdtempSync(join(tmpdir(), 'antenne-backups-'))
    const good = await createBackup(dir, 5, DateTime.fromISO('2026-12-01T00:00:00Z'))
    const after = await StationFactory.merge({ name: 'After', timezone: ZONE }).create()
    const outside = join(mkdtempSync(join(tmpdir(), 'antenne-outside-')), 'station.liq')
    const content = Buffer.from('# evil\n').toString('base64')
    const archived = gunzipSync(readFileSync(good.path)).toString('utf8')
    const crafted = [
      `{"file":"../../outside/station.liq","absolute":false,"content":"${content}"}`,
      `{"file":${JSON.stringify(outside)},"absolute":true,"content":"${content}"}`,
      `{"file":"${station.slug}/notes.txt","absolute":false,"content":"${content}"}`,
      `{"file":"${station.slug}/station.liq","absolute":false,"content":"${content}"}\n{"file":"${station.slug}/x.m3u","absolute":false}`,
    ]
    for (const [i, line] of crafted.entries()) {
      const path = join(dir, `crafted-${i}.backup.gz`)
      writeFileSync(path, gzipSync(archived + line + '\n'))
      await assert.rejects(
        () => restoreBackup(path),
        /not a station configuration file|has no content/
      )
    }
    // A row the database refuses, after the files were staged: the transaction and the staged files are undone.
    const refusedRow = join(dir, 'refused-row.backup.gz')
    writeFileSync(
      refusedRow,
      gzipSync(archived + '{"table":"stations","row":{"no_such_column":1}}\n')
    )
    await assert.rejects(() => restoreBackup(refusedRow))
    // Nothing changed: the station made after the backup is there, the script is as it was, nothing written outside.
    assert.exists(await Station.find(after.id))
    assert.equal(readFileSync(script, 'utf8'), '# before\n')
    assert.isFalse(existsSync(outside))
    assert.deepEqual(
      readdirSync(stationPaths(station).dir).filter((name) => name.includes('.restore-')),
      []
    )
    const newer = join(dir, 'newer.backup.gz')
    writeFileSync(newer, gzipSync(`{"format":"antenne-backup","version":2,"migrations":[]}\n`))
    await assert.rejects(() => restoreBackup(newer), /version 2/)
  })

  test('station files go inside the stations folder, or inside the folder of a station of the backup', ({
    assert,
  }) => {
    const root = '/srv/antenne/stations'
    assert.equal(
      stationFileTarget('demo/station.liq', false, root, []),
      '/srv/antenne/stations/demo/station.liq'
    )
    assert.equal(
      stationFileTarget('demo/rotation.m3u', false, root, []),
      '/srv/antenne/stations/demo/rotation.m3u'
    )
    assert.equal(
      stationFileTarget('/radio/studio/station.liq', true, root, ['/radio/studio']),
      '/radio/studio/station.liq'
    )
    for (const [file, absolute] of [
      ['../etc/station.liq', false],
      ['demo/../../x.m3u', false],
      ['/etc/cron.d/station.liq', true],
      ['/radio/studio/../x.m3u', true],
      ['demo/notes.txt', false],
      ['/abs/station.liq', false],
      [42, false],
      ['demo//station.liq', false],
    ] as const) {
      assert.isNull(stationFileTarget(file, absolute, root, ['/radio/studio']), String(file))
    }
  })
})
