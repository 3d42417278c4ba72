import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import Schedule from '#models/schedule'
import {
  ProgramFactory,
  ScheduleFactory,
  StationFactory,
} from '#database/factories/programme_factories'
import { diffusions } from '#tests/helpers'

/** Everything a run could change, to compare before and after. */
async function snapshot() {
  return {
    episodes: await db.from('episodes').orderBy('id'),
    diffusions: await db.from('diffusions').orderBy('id'),
  }
}

const local = (d: Diffusion, zone = 'Europe/Brussels') =>
  d.start.setZone(zone).toFormat('yyyy-MM-dd HH:mm')

test.group('diffusions --update', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('creates one episode and one on_air diffusion per airing of the month', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({ slug: 'radio' }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      title: 'Morning Talk',
    }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      date: '2030-01-02',
      time: '10:00',
      duration: 90,
    }).create()

    const { exitCode, output } = await diffusions('--update', '--month', '2030-01')

    assert.equal(exitCode, 0)
    const rows = await Diffusion.query().preload('episode').orderBy('start')
    assert.deepEqual(
      rows.map((d) => local(d)),
      [
        '2030-01-02 10:00',
        '2030-01-09 10:00',
        '2030-01-16 10:00',
        '2030-01-23 10:00',
        '2030-01-30 10:00',
      ]
    )
    for (const d of rows) {
      assert.equal(d.type, 'on_air')
      assert.equal(d.end.diff(d.start, 'minutes').minutes, 90)
      assert.equal(d.programId, program.id)
    }
    // Stored in UTC: 10:00 in Brussels in winter is 09:00 UTC.
    const raw = await db.from('diffusions').orderBy('start').first()
    assert.match(
      String(raw.start instanceof Date ? raw.start.toISOString() : raw.start),
      /2030-01-02[ T]09:00:00/
    )
    assert.equal(rows[0].episode.title, 'Morning Talk – 2 January 2030')
    assert.equal(rows[0].episode.slug, '2030-01-02')
    assert.equal(
      await Episode.query()
        .count('* as n')
        .first()
        .then((r) => Number(r!.$extras.n)),
      5
    )
    // The summary table: station, month, created, reruns, existing, moved, conflicts.
    assert.match(output, /radio.*2030-01.*\b5\b.*\b0\b.*\b0\b.*\b0\b.*\b0\b/)
  })

  test('a second run creates nothing and changes nothing', async ({ assert }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    const initial = await ScheduleFactory.merge({
      programId: program.id,
      frequency: 'every',
    }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      initialId: initial.id,
      date: '2030-01-05',
      time: '20:00',
    }).create()

    await diffusions('--update', '--month', '2030-01')
    const before = await snapshot()
    const { exitCode, output } = await diffusions('--update', '--month', '2030-01')

    assert.equal(exitCode, 0)
    assert.deepEqual(await snapshot(), before)
    // 5 initial + 5 reruns already there, none created.
    assert.match(output, /2030-01.*\b0\b.*\b0\b.*\b10\b.*\b0\b.*\b0\b/)
  })

  test("a rerun shares its initial's episode, points at it, and may fall in the next month", async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    const initial = await ScheduleFactory.merge({
      programId: program.id,
      date: '2030-01-02',
      time: '10:00',
    }).create()
    const rerun = await ScheduleFactory.merge({
      programId: program.id,
      initialId: initial.id,
      date: '2030-01-05',
      time: '15:00',
      duration: 60,
    }).create()

    await diffusions('--update', '--month', '2030-01')

    const reruns = await Diffusion.query()
      .where('schedule_id', rerun.id)
      .preload('initial')
      .orderBy('start')
    assert.deepEqual(
      reruns.map((d) => local(d)),
      [
        '2030-01-05 15:00',
        '2030-01-12 15:00',
        '2030-01-19 15:00',
        '2030-01-26 15:00',
        '2030-02-02 15:00',
      ]
    )
    for (const r of reruns) {
      assert.equal(r.episodeId, r.initial.episodeId)
      assert.equal(r.initial.scheduleId, initial.id)
      assert.equal(
        r.initial.occurrenceDate,
        DateTime.fromISO(r.occurrenceDate!).minus({ days: 3 }).toISODate()
      )
    }
    // February's run does not create January 30th's rerun again.
    await diffusions('--update', '--month', '2030-02')
    assert.lengthOf(
      await Diffusion.query().where('schedule_id', rerun.id).where('occurrence_date', '2030-02-02'),
      1
    )
  })

  test('a ponctual schedule gives its one diffusion', async ({ assert }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      frequency: 'ponctual',
      date: '2030-03-14',
      time: '21:00',
    }).create()

    await diffusions('--update', '--month', '2030-03')
    await diffusions('--update', '--month', '2030-04')

    const rows = await Diffusion.all()
    assert.deepEqual(
      rows.map((d) => local(d)),
      ['2030-03-14 21:00']
    )
  })

  test('a time in the spring-forward gap airs an hour later that night only', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      date: '2030-03-03',
      time: '02:30',
    }).create()

    await diffusions('--update', '--month', '2030-03')

    const rows = await Diffusion.query().orderBy('start')
    // Europe/Brussels springs forward on 2030-03-31.
    assert.deepEqual(
      rows.map((d) => local(d)),
      [
        '2030-03-03 02:30',
        '2030-03-10 02:30',
        '2030-03-17 02:30',
        '2030-03-24 02:30',
        '2030-03-31 03:30',
      ]
    )
  })

  test('a new diffusion over an on_air one is created unconfirmed and reported', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const news = await ProgramFactory.merge({ stationId: station.id, title: 'News' }).create()
    const jazz = await ProgramFactory.merge({ stationId: station.id, title: 'Jazz' }).create()
    const other = await ProgramFactory.with('station').merge({ title: 'Elsewhere' }).create()
    await ScheduleFactory.merge({
      programId: news.id,
      time: '10:00',
      duration: 60,
      frequency: 'first',
    }).create()
    await ScheduleFactory.merge({
      programId: jazz.id,
      time: '10:30',
      duration: 60,
      frequency: 'every',
    }).create()
    // Same time on another station: no conflict.
    await ScheduleFactory.merge({
      programId: other.id,
      time: '10:00',
      duration: 60,
      frequency: 'first',
    }).create()

    const { exitCode, output } = await diffusions('--update', '--month', '2030-01')

    assert.equal(exitCode, 0)
    const jazzRows = await Diffusion.query().where('program_id', jazz.id).orderBy('start')
    assert.deepEqual(
      jazzRows.map((d) => d.type),
      ['unconfirmed', 'on_air', 'on_air', 'on_air', 'on_air']
    )
    assert.equal(
      (await Diffusion.query().where('program_id', other.id).firstOrFail()).type,
      'on_air'
    )
    assert.include(
      output,
      'Jazz on 2030-01-02 10:30 overlaps News (2030-01-02 10:00–11:00): created unconfirmed'
    )

    const listed = await diffusions('--conflicts', '--month', '2030-01')
    assert.equal(listed.exitCode, 0)
    assert.match(listed.output, /Jazz.*2030-01-02 10:30.*News 2030-01-02 10:00–11:00/)
  })

  test('back-to-back diffusions do not conflict', async ({ assert }) => {
    const station = await StationFactory.create()
    const a = await ProgramFactory.merge({ stationId: station.id }).create()
    const b = await ProgramFactory.merge({ stationId: station.id }).create()
    await ScheduleFactory.merge({ programId: a.id, time: '10:00', duration: 60 }).create()
    await ScheduleFactory.merge({ programId: b.id, time: '11:00', duration: 60 }).create()

    await diffusions('--update', '--month', '2030-01')

    assert.lengthOf(await Diffusion.query().where('type', 'unconfirmed'), 0)
  })

  test('--dry-run prints the plan and writes nothing', async ({ assert }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id, title: 'Dry' }).create()
    await ScheduleFactory.merge({ programId: program.id }).create()

    const { exitCode, output } = await diffusions('--update', '--month', '2030-01', '--dry-run')

    assert.equal(exitCode, 0)
    assert.include(output, '2030-01-09 10:00')
    assert.include(output, 'dry run: nothing written')
    assert.deepEqual(await snapshot(), { episodes: [], diffusions: [] })
  })

  test('--station narrows the run to the stations named', async ({ assert }) => {
    const kept = await StationFactory.merge({ slug: 'kept' }).create()
    const skipped = await StationFactory.merge({ slug: 'skipped' }).create()
    for (const station of [kept, skipped]) {
      const program = await ProgramFactory.merge({ stationId: station.id }).create()
      await ScheduleFactory.merge({ programId: program.id }).create()
    }

    await diffusions('--update', '--month', '2030-01', '--station', 'kept')

    const rows = await Diffusion.query().preload('program')
    assert.isAbove(rows.length, 0)
    assert.isTrue(rows.every((d) => d.program.stationId === kept.id))
  })

  test("the default month is this month in the station's zone", async ({ assert }) => {
    const station = await StationFactory.merge({ timezone: 'Pacific/Kiritimati' }).create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      timezone: 'Pacific/Kiritimati',
      date: '2020-01-01',
    }).create()

    await diffusions('--update', '--next-month')

    const next = DateTime.now()
      .setZone('Pacific/Kiritimati')
      .plus({ months: 1 })
      .toFormat('yyyy-MM')
    const rows = await Diffusion.all()
    assert.isAbove(rows.length, 3)
    assert.isTrue(rows.every((d) => d.occurrenceDate!.startsWith(next)))
  })

  test('inactive programs get nothing', async ({ assert }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id, active: false }).create()
    await ScheduleFactory.merge({ programId: program.id }).create()

    await diffusions('--update', '--month', '2030-01')

    assert.lengthOf(await Diffusion.all(), 0)
  })
})

test.group('Schedule edits and hand edits', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function generated(time = '10:00') {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    const schedule = await ScheduleFactory.merge({
      programId: program.id,
      date: '2030-01-02',
      time,
    }).create()
    await diffusions('--update', '--month', '2030-01')
    return { station, program, schedule }
  }

  test('a diffusion moved or cancelled by hand keeps that edit through regeneration', async ({
    assert,
  }) => {
    await generated()
    const [first, second] = await Diffusion.query().orderBy('start').limit(2)
    first.merge({ start: first.start.plus({ hours: 2 }), end: first.end.plus({ hours: 2 }) })
    await first.save()
    second.type = 'cancel'
    await second.save()

    await diffusions('--update', '--month', '2030-01')

    const rows = await Diffusion.query().orderBy('occurrence_date')
    assert.lengthOf(rows, 5)
    assert.equal(local(rows[0]), '2030-01-02 12:00')
    assert.isTrue(rows[0].edited)
    assert.equal(rows[1].type, 'cancel')
  })

  test("editing a schedule's time, duration or zone moves its future, unedited diffusions", async ({
    assert,
  }) => {
    const { schedule } = await generated()
    const moved = await Diffusion.query().orderBy('start').firstOrFail()
    moved.merge({ start: moved.start.plus({ hours: 1 }), end: moved.end.plus({ hours: 1 }) })
    await moved.save()

    schedule.merge({ time: '18:30', duration: 30, timezone: 'Europe/Lisbon' })
    await schedule.save()

    const rows = await Diffusion.query().orderBy('occurrence_date')
    assert.equal(local(rows[0]), '2030-01-02 11:00', 'the hand-moved one stays')
    for (const d of rows.slice(1)) {
      assert.equal(d.start.setZone('Europe/Lisbon').toFormat('HH:mm'), '18:30')
      assert.equal(d.end.diff(d.start, 'minutes').minutes, 30)
      assert.isFalse(d.edited)
    }
    // And a regeneration agrees: nothing to create or move.
    const { output } = await diffusions('--update', '--month', '2030-01')
    assert.match(output, /2030-01.*\b0\b.*\b0\b.*\b5\b.*\b0\b.*\b0\b/)
  })

  test('changing the rule drops the future dates it no longer produces', async ({ assert }) => {
    const { schedule } = await generated()
    schedule.frequency = 'first_and_third'
    await schedule.save()

    const rows = await Diffusion.query().orderBy('start')
    assert.deepEqual(
      rows.map((d) => d.occurrenceDate),
      ['2030-01-02', '2030-01-16']
    )
    assert.lengthOf(await Episode.all(), 2, 'their orphan episodes are gone too')
  })

  test('deleting a schedule removes its future diffusions and their orphan episodes, not the past', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    const lastMonth = DateTime.now().minus({ months: 1 }).toFormat('yyyy-MM')
    const nextMonth = DateTime.now().plus({ months: 1 }).toFormat('yyyy-MM')
    const schedule = await ScheduleFactory.merge({
      programId: program.id,
      date: `${lastMonth}-01`,
    }).create()
    await ScheduleFactory.merge({
      programId: program.id,
      initialId: schedule.id,
      date: `${lastMonth}-02`,
    }).create()
    await diffusions('--update', '--month', lastMonth)
    await diffusions('--update', '--month', nextMonth)
    const past = await Diffusion.query().where(
      'start',
      '<',
      db.raw('?', [DateTime.now().toSQL({ includeOffset: false })!])
    )
    assert.isAbove(past.length, 0)

    await (await Schedule.findOrFail(schedule.id)).delete()

    const left = await Diffusion.query().preload('episode')
    assert.isAbove(left.length, 0)
    assert.isTrue(
      left.every((d) => d.start < DateTime.now()),
      'only past diffusions are left'
    )
    assert.isTrue(left.filter((d) => !d.initialId).every((d) => d.scheduleId === null))
    const episodes = await Episode.all()
    assert.equal(episodes.length, new Set(left.map((d) => d.episodeId)).size, 'no orphan episode')
  })
})

test.group('diffusions --clean', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('deletes the unconfirmed diffusions of past months and keeps the rest', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const a = await ProgramFactory.merge({ stationId: station.id }).create()
    const b = await ProgramFactory.merge({ stationId: station.id }).create()
    await ScheduleFactory.merge({ programId: a.id, date: '2020-01-01' }).create()
    await ScheduleFactory.merge({ programId: b.id, date: '2020-01-01' }).create()
    const nextMonth = DateTime.now().plus({ months: 1 }).toFormat('yyyy-MM')
    await diffusions('--update', '--month', '2020-01')
    await diffusions('--update', '--month', nextMonth)
    const unconfirmed = () => Diffusion.query().where('type', 'unconfirmed')
    assert.isAbove((await unconfirmed()).length, 8)

    const { exitCode } = await diffusions('--clean')

    assert.equal(exitCode, 0)
    const left = await unconfirmed()
    assert.isAbove(left.length, 3)
    assert.isTrue(left.every((d) => d.occurrenceDate!.startsWith(nextMonth)))
    assert.lengthOf(
      await Diffusion.query().where('type', 'on_air').where('occurrence_date', 'like', '2020-01%'),
      5
    )
  })
})

test.group(
  'diffusions: bad input gets one clear line, a non-zero exit, and nothing written',
  (group) => {
    group.each.setup(() => testUtils.db().withGlobalTransaction())

    async function withSchedule() {
      const station = await StationFactory.merge({ slug: 'demo' }).create()
      const program = await ProgramFactory.merge({ stationId: station.id, title: 'Show' }).create()
      const schedule = await ScheduleFactory.merge({ programId: program.id }).create()
      return { station, program, schedule }
    }

    test('an unknown station', async ({ assert }) => {
      await withSchedule()
      const { exitCode, output } = await diffusions('--update', '--station', 'nope')
      assert.equal(exitCode, 1)
      assert.include(output, 'E_STATION_NOT_FOUND: unknown station "nope" (known: demo)')
      assert.lengthOf(await Diffusion.all(), 0)
    })

    test('a malformed month', async ({ assert }) => {
      await withSchedule()
      for (const month of ['2030-13', '2030-1', 'january']) {
        const { exitCode, output } = await diffusions('--update', '--month', month)
        assert.equal(exitCode, 1)
        assert.include(output, `E_INVALID_ARGUMENT: invalid --month "${month}": expected YYYY-MM`)
      }
      assert.lengthOf(await Diffusion.all(), 0)
    })

    test('--month with --next-month, and no action at all', async ({ assert }) => {
      const both = await diffusions('--update', '--month', '2030-01', '--next-month')
      assert.equal(both.exitCode, 1)
      assert.include(both.output, '--month and --next-month cannot be used together')
      const none = await diffusions('--month', '2030-01')
      assert.equal(none.exitCode, 1)
      assert.include(none.output, 'nothing to do: pass --update, --clean, --conflicts or --check')
    })

    test('an invalid zone or frequency written in the database by another tool', async ({
      assert,
    }) => {
      const { schedule, station } = await withSchedule()
      const program = await ProgramFactory.merge({ stationId: station.id, title: 'Fine' }).create()
      await ScheduleFactory.merge({ programId: program.id }).create()
      await db
        .from('schedules')
        .where('id', schedule.id)
        .update({ timezone: 'Mars/Olympus', frequency: 'often' })

      const { exitCode, output } = await diffusions('--update', '--month', '2030-01')

      assert.equal(exitCode, 1)
      assert.include(output, 'E_INVALID_SCHEDULE')
      assert.include(output, `schedule #${schedule.id} of "Show": invalid time zone "Mars/Olympus"`)
      assert.include(output, `schedule #${schedule.id} of "Show": invalid frequency "often"`)
      assert.lengthOf(await Diffusion.all(), 0, 'not even the valid schedule was generated')
    })

    test('an invalid station zone in the database', async ({ assert }) => {
      const { station } = await withSchedule()
      await db.from('stations').where('id', station.id).update({ timezone: 'Nowhere' })
      const { exitCode, output } = await diffusions('--update', '--month', '2030-01')
      assert.equal(exitCode, 1)
      assert.include(output, 'station "demo": invalid time zone "Nowhere"')
    })

    test('the models refuse an invalid rule before it reaches the database', async ({ assert }) => {
      const { program } = await withSchedule()
      await assert.rejects(
        () => ScheduleFactory.merge({ programId: program.id, timezone: 'Mars/Olympus' }).create(),
        /invalid time zone "Mars\/Olympus"/
      )
      await assert.rejects(
        () => StationFactory.merge({ timezone: 'Europe/Atlantis' }).create(),
        /invalid time zone "Europe\/Atlantis"/
      )
    })
  }
)
