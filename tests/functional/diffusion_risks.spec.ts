/*
| Foresight (issue 16): `diffusions --check`, the dashboard's list and the
| `diffusion_at_risk` alerts, on the real database with factories.
*/
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import type Program from '#models/program'
import type Station from '#models/station'
import Event from '#models/event'
import DiffusionAlert from '#models/diffusion_alert'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory } from '#database/factories/sound_factories'
import { UserFactory } from '#database/factories/user_factory'
import { LiveAttemptFactory, LiveKeyFactory } from '#database/factories/live_factories'
import { RiskWatch } from '#events/risk_watch'
import { diffusions } from '#tests/helpers'

let serial = 0

/** A station with a live input; it records live shows unless told. */
function station(overrides: Partial<Station> = {}) {
  const n = ++serial
  return StationFactory.merge({
    slug: `risky-${n}-${process.pid}`,
    harborPort: 18000 + n,
    liveRecordFormat: 'mp3',
    ...overrides,
  }).create()
}

/** A diffusion of a new episode of `program` (or of `initial`'s, as a rerun). */
async function airing(
  program: Program,
  start: DateTime,
  options: { initialOf?: { id: number; episodeId: number }; type?: 'cancel' | 'unconfirmed' } = {}
) {
  const episodeId =
    options.initialOf?.episodeId ??
    (
      await EpisodeFactory.merge({
        programId: program.id,
        title: `${program.title} episode`,
      }).create()
    ).id
  return DiffusionFactory.merge({
    episodeId,
    programId: program.id,
    start,
    initialId: options.initialOf?.id ?? null,
    ...(options.type && { type: options.type }),
  }).create()
}

/** The live input accepted a host for this diffusion, at `at`. */
function wentLive(stationId: number, diffusionId: number, at: DateTime) {
  return LiveAttemptFactory.apply('accepted').merge({ stationId, diffusionId, at }).create()
}

/** One program per case of the check, and some that are fine. */
async function week() {
  const now = DateTime.utc().startOf('minute')
  const radio = await station()
  const program = (title: string, extra: Partial<Program> = {}) =>
    ProgramFactory.merge({ stationId: radio.id, title, ...extra }).create()

  // No archive, no live: its host has a key, they just have not used it.
  const silent = await program('Silent Hour')
  const host = await UserFactory.create()
  await db.table('program_user').insert({ user_id: host.id, program_id: silent.id })
  await LiveKeyFactory.merge({ userId: host.id }).create()
  const silentDiffusion = await airing(silent, now.plus({ days: 1 }))

  // A live show two days ago that left no archive, rerun in two days.
  const night = await program('Night Live')
  const nightInitial = await airing(night, now.minus({ days: 2 }))
  await wentLive(radio.id, nightInitial.id, now.minus({ days: 2 }))
  const nightRerun = await airing(night, now.plus({ days: 2 }), { initialOf: nightInitial })

  // Cancelled tomorrow, rerun in three days.
  const talk = await program('Cancelled Talk')
  const talkInitial = await airing(talk, now.plus({ days: 1, hours: 2 }), { type: 'cancel' })
  await airing(talk, now.plus({ days: 3 }), { initialOf: talkInitial })

  // An archive the library found bad.
  const hiss = await program('Hissing Tapes')
  const hissDiffusion = await airing(hiss, now.plus({ days: 4 }))
  const hissing = await SoundFactory.apply('analysed')
    .merge({ episodeId: hissDiffusion.episodeId, name: 'hiss.mp3' })
    .create()
  await hissing.merge({ isGoodQuality: false, qualityReasons: ['noise'] }).save()

  // Fine: a good archive; a live program (live last week); beyond the 7 days; unconfirmed.
  const fine = await program('Fine Music')
  const fineDiffusion = await airing(fine, now.plus({ days: 1 }))
  await SoundFactory.apply('analysed').merge({ episodeId: fineDiffusion.episodeId }).create()
  const weekly = await program('Live Weekly')
  await wentLive(
    radio.id,
    (await airing(weekly, now.minus({ days: 7 }))).id,
    now.minus({ days: 7 })
  )
  await airing(weekly, now.plus({ days: 5 }))
  await airing(await program('Far Away'), now.plus({ days: 10 }))
  await airing(await program('Waiting Room'), now.plus({ days: 1 }), { type: 'unconfirmed' })

  return { now, radio, silent, silentDiffusion, night, nightRerun, hiss, hissDiffusion }
}

/** The lines of the command's output that mention `text`. */
const linesWith = (output: string, text: string) =>
  output.split('\n').filter((line) => line.includes(text))

test.group('diffusions --check', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('--check lists each kind of risk with what to do, and exits 2', async ({ assert }) => {
    const { radio, silentDiffusion } = await week()

    const { exitCode, output } = await diffusions('--check', '--station', radio.slug)

    assert.equal(exitCode, 2, output)
    assert.include(output, `${radio.slug}: 4 diffusion(s) at risk in the next 7 day(s)`)
    const expected: Array<[string, string, string]> = [
      [
        'Silent Hour',
        'no_archive: no archive and no live show recently',
        'upload the archive, or check the host has a live key',
      ],
      [
        'Night Live',
        'rerun_of_unrecorded_live: rerun of a live show',
        'check the recording of the live show reached the archives, or upload an archive',
      ],
      [
        'Cancelled Talk',
        'rerun_of_cancelled: rerun of a cancelled diffusion',
        'cancel the rerun or give it an archive',
      ],
      [
        'Hissing Tapes',
        'poor_quality: archive of poor quality: hiss.mp3',
        'replace it or mark the program to accept any quality',
      ],
    ]
    for (const [program, risk, todo] of expected) {
      const lines = linesWith(output, program)
      assert.lengthOf(lines, 1, `${program}:\n${output}`)
      assert.include(lines[0], risk)
      assert.include(lines[0], todo)
    }
    // The start in the station's zone, the episode, a rerun said so.
    const start = silentDiffusion.start.setZone(radio.timezone).toFormat('yyyy-MM-dd HH:mm')
    assert.include(linesWith(output, 'Silent Hour')[0], start)
    assert.include(
      linesWith(output, 'Silent Hour')[0],
      `#${silentDiffusion.id} Silent Hour episode`
    )
    assert.include(linesWith(output, 'Night Live')[0], '(rerun)')
    for (const fine of ['Fine Music', 'Live Weekly', 'Far Away', 'Waiting Room'])
      assert.lengthOf(linesWith(output, fine), 0, `${fine} is not at risk:\n${output}`)
  })

  test('--days looks further ahead', async ({ assert }) => {
    const { radio } = await week()
    const { exitCode, output } = await diffusions(
      '--check',
      '--days',
      '14',
      '--station',
      radio.slug
    )
    assert.equal(exitCode, 2)
    assert.include(output, '5 diffusion(s) at risk in the next 14 day(s)')
    assert.include(linesWith(output, 'Far Away')[0], 'no_archive')
    const short = await diffusions('--check', '--days', '1', '--station', radio.slug)
    assert.include(short.output, '1 diffusion(s) at risk in the next 1 day(s)')
  })

  test('a station that does not record live shows: the rerun of a live show is at risk, past or to come', async ({
    assert,
  }) => {
    const now = DateTime.utc()
    const radio = await station({ liveRecordFormat: null })
    const night = await ProgramFactory.merge({ stationId: radio.id, title: 'Night Live' }).create()
    const past = await airing(night, now.minus({ days: 2 }))
    await wentLive(radio.id, past.id, now.minus({ days: 2 }))
    await airing(night, now.plus({ days: 1 }), { initialOf: past })
    // Live tonight (live recently), rerun tomorrow night: nothing will record it.
    const tonight = await airing(night, now.plus({ hours: 6 }))
    await airing(night, now.plus({ days: 1, hours: 6 }), { initialOf: tonight })

    const { exitCode, output } = await diffusions('--check', '--station', radio.slug)

    assert.equal(exitCode, 2)
    const lines = linesWith(output, 'Night Live')
    assert.lengthOf(lines, 2, output)
    assert.include(lines[0], 'rerun_of_unrecorded_live: rerun of a live show that was not recorded')
    assert.include(lines[1], 'that will not be recorded')
    for (const line of lines)
      assert.include(line, 'record it (station live recording is off) or upload an archive')
  })

  test('nothing at risk: one line per station, exit 0', async ({ assert }) => {
    const radio = await station()
    const fine = await ProgramFactory.merge({ stationId: radio.id, title: 'Fine' }).create()
    const diffusion = await airing(fine, DateTime.utc().plus({ days: 1 }))
    await SoundFactory.apply('analysed').merge({ episodeId: diffusion.episodeId }).create()

    const { exitCode, output } = await diffusions('--check', '--station', radio.slug)

    assert.equal(exitCode, 0, output)
    assert.include(output, `${radio.slug}: no diffusion at risk in the next 7 day(s)`)
  })

  test('bad --days: one line with its code, exit 1', async ({ assert }) => {
    const radio = await station()
    for (const days of ['0', '61', '2.5', '-3']) {
      const { exitCode, output } = await diffusions(
        '--check',
        '--days',
        days,
        '--station',
        radio.slug
      )
      assert.equal(exitCode, 1, days)
      assert.include(
        output,
        `E_INVALID_ARGUMENT: invalid --days "${Number(days)}": a whole number of days from 1 to 60`
      )
    }
    const alone = await diffusions('--days', '3', '--update', '--month', '2030-01')
    assert.equal(alone.exitCode, 1)
    assert.include(alone.output, 'E_INVALID_ARGUMENT: --days goes with --check')
    const unknown = await diffusions('--check', '--station', 'nope')
    assert.equal(unknown.exitCode, 1)
    assert.include(unknown.output, 'E_STATION_NOT_FOUND: unknown station "nope"')
  })
})

test.group('Dashboard: diffusions at risk', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the station dashboard lists them with what to do, linked to their program and episode', async ({
    client,
    assert,
  }) => {
    const { radio, silent, silentDiffusion, hiss, hissDiffusion } = await week()
    const manager = await UserFactory.apply('manager').create()
    await db.table('station_user').insert({ user_id: manager.id, station_id: radio.id })

    const page = await client.get('/staff').loginAs(manager)

    page.assertStatus(200)
    const html = page.text()
    assert.include(html, 'At risk in the next 7 days')
    assert.include(html, 'No archive and no live show recently.')
    assert.include(html, 'Upload the archive, or check the host has a live key.')
    assert.include(html, 'Rerun of a cancelled diffusion (')
    assert.include(html, 'Archive of poor quality: hiss.mp3.')
    assert.include(html, 'Replace it or mark the program to accept any quality.')
    assert.include(html, `href="/staff/programs/${silent.id}"`)
    assert.include(html, `href="/staff/episodes/${silentDiffusion.episodeId}"`)
    assert.include(html, `href="/staff/programs/${hiss.id}"`)
    assert.include(html, `href="/staff/episodes/${hissDiffusion.episodeId}"`)
    const atRisk = html.slice(
      html.indexOf('class="at-risk"'),
      html.indexOf('</table>', html.indexOf('class="at-risk"'))
    )
    assert.equal(atRisk.match(/<tr class="risk-/g)?.length, 4)
    for (const fine of ['Fine Music', 'Live Weekly', 'Far Away']) assert.notInclude(atRisk, fine)
  })
})

test.group('diffusion_at_risk events', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /** The diffusion_at_risk events of one diffusion, oldest first. */
  async function alertsOf(diffusionId: number) {
    const rows = await Event.query().where('type', 'diffusion_at_risk').orderBy('id')
    return rows.filter((e) => e.payload.diffusion_id === diffusionId)
  }

  async function silentShow(days = 3) {
    const radio = await station()
    const program = await ProgramFactory.merge({
      stationId: radio.id,
      title: 'Silent Hour',
    }).create()
    const start = DateTime.utc().plus({ days }).startOf('hour')
    const diffusion = await airing(program, start)
    return { radio, program, diffusion, start }
  }

  test('told once 24 h before and once 1 h before, however often the watch looks', async ({
    assert,
  }) => {
    const { radio, diffusion, start } = await silentShow()
    const watch = new RiskWatch()

    await watch.check(start.minus({ hours: 25 }))
    assert.lengthOf(await alertsOf(diffusion.id), 0, 'not yet')
    await watch.check(start.minus({ hours: 24 }))
    await watch.check(start.minus({ hours: 23, minutes: 59 }))
    await watch.check(start.minus({ hours: 3 }))
    await watch.check(start.minus({ minutes: 60 }))
    await watch.check(start.minus({ minutes: 59 }))
    // Another deliverer, or this one restarted: what was told stays told.
    await new RiskWatch().check(start.minus({ minutes: 30 }))
    await watch.check(start.minus({ minutes: 1 }))
    await watch.check(start.plus({ minutes: 1 }))

    const told = await alertsOf(diffusion.id)
    assert.deepEqual(
      told.map((e) => e.payload.threshold),
      ['24h', '1h']
    )
    const [day, hour] = told
    assert.equal(day.station, radio.slug)
    assert.equal(day.level, 'warning')
    assert.equal(day.occurredAt.toMillis(), start.minus({ hours: 24 }).toMillis())
    assert.equal(hour.occurredAt.toMillis(), start.minus({ minutes: 60 }).toMillis())
    assert.deepInclude(day.payload, {
      diffusion_id: diffusion.id,
      program: 'Silent Hour',
      episode: 'Silent Hour episode',
      start: start.toISO(),
      rerun: false,
      threshold: '24h',
      starts_in_minutes: 1440,
      risk: 'no_archive',
      reason: 'no_archive_no_key',
      problem: 'no archive and no live show recently, and no host of the program has a live key',
      todo: 'upload the archive, or give a host of the program a live key',
    })
    assert.equal(hour.payload.starts_in_minutes, 60)
    assert.lengthOf(await DiffusionAlert.query().where('diffusion_id', diffusion.id), 2)
  })

  test('a watch that starts within the hour tells the 1 h alert only; a diffusion fixed in between is not told', async ({
    assert,
  }) => {
    const { diffusion, start } = await silentShow()
    const { program, start: otherStart, diffusion: fixed } = await silentShow(5)

    const watch = new RiskWatch()
    await watch.check(start.minus({ minutes: 40 }))
    assert.deepEqual(
      (await alertsOf(diffusion.id)).map((e) => e.payload.threshold),
      ['1h']
    )

    await watch.check(otherStart.minus({ hours: 20 }))
    await SoundFactory.apply('analysed')
      .merge({ episodeId: fixed.episodeId, programId: program.id })
      .create()
    await watch.check(otherStart.minus({ minutes: 50 }))
    assert.deepEqual(
      (await alertsOf(fixed.id)).map((e) => e.payload.threshold),
      ['24h']
    )
  })

  test('the database refuses the same alert twice: the key two racing deliverers meet on', async ({
    assert,
  }) => {
    const { diffusion } = await silentShow()
    const alert = { diffusionId: diffusion.id, threshold: '1h', alertedAt: DateTime.utc() }
    await DiffusionAlert.create(alert)
    await assert.rejects(() =>
      db.transaction((trx) => DiffusionAlert.create(alert, { client: trx }))
    )
  })

  test('one watch at a time: the one holding the lease checks, the other does nothing', async ({
    assert,
  }) => {
    const { diffusion, start } = await silentShow()
    const clock = () => start.minus({ hours: 12 })
    const first = new RiskWatch({ clock, holder: 'host-a:1' })
    const second = new RiskWatch({ clock, holder: 'host-b:2' })
    try {
      assert.isAtLeast(await first.tick(), 1)
      assert.isFalse(await second.lease.hold())
      assert.equal(await second.tick(), 0)
      assert.lengthOf(await alertsOf(diffusion.id), 1)
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})

test.group('diffusion_at_risk events: two deliverers at once', () => {
  // Committed rows, as two processes see them: no global transaction here, the rows are removed after.
  test('both look at the same instant, each in its own transaction: one event', async ({
    assert,
    cleanup,
  }) => {
    const radio = await station()
    const firstEvent = Number((await db.from('events').max('id as id').first())?.id ?? 0)
    cleanup(async () => {
      await db.from('events').where('id', '>', firstEvent).where('station', radio.slug).delete()
      await radio.delete()
    })
    const program = await ProgramFactory.merge({ stationId: radio.id, title: 'Race' }).create()
    const start = DateTime.utc().plus({ days: 9 }).startOf('hour')
    const diffusion = await airing(program, start)

    const at = start.minus({ minutes: 30 })
    await Promise.all([new RiskWatch().check(at), new RiskWatch().check(at)])

    const told = (
      await Event.query().where('type', 'diffusion_at_risk').where('id', '>', firstEvent)
    ).filter((e) => e.payload.diffusion_id === diffusion.id)
    assert.lengthOf(told, 1)
    assert.lengthOf(await DiffusionAlert.query().where('diffusion_id', diffusion.id), 1)
  })
})
