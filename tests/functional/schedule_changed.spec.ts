import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Diffusion from '#models/diffusion'
import Schedule from '#models/schedule'
import Event from '#models/event'
import User from '#models/user'
import { events } from '#events/event_outbox'
import { sqlDateTime } from '#models/columns'
import {
  ProgramFactory,
  ScheduleFactory,
  StationFactory,
} from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { diffusions } from '#tests/helpers'

const ZONE = 'Europe/Brussels'
let serial = 0

/** The schedule_changed events stored since `after` (an event id), oldest first. */
async function changes(after = 0) {
  await events.flush()
  const rows = await Event.query()
    .where('type', 'schedule_changed')
    .where('id', '>', after)
    .orderBy('id')
  return rows.map((e): Record<string, unknown> => ({
    station: e.station,
    level: e.level,
    ...e.payload,
  }))
}

async function lastEventId() {
  await events.flush()
  const row = await db.from('events').max('id as id').first()
  return Number(row?.id ?? 0)
}

/** A station whose program airs weekly on Wednesdays at `time`, from 2 January 2030. */
async function weeklyStation(time: string) {
  const station = await StationFactory.merge({
    slug: `st-${++serial}`,
    timezone: ZONE,
  }).create()
  const program = await ProgramFactory.merge({
    stationId: station.id,
    slug: `show-${++serial}`,
  }).create()
  await ScheduleFactory.merge({
    programId: program.id,
    date: '2030-01-02',
    time,
    timezone: ZONE,
    duration: 60,
  }).create()
  return { station, program }
}

const utc = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toUTC().toISO()

test.group('schedule_changed: the month generation', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a run emits one event per station it changed, covering the diffusions it created; a second run emits none', async ({
    assert,
  }) => {
    const since = await lastEventId()
    const morning = await weeklyStation('10:00')
    const evening = await weeklyStation('20:30')
    // A station with nothing to generate says nothing.
    const silent = await StationFactory.merge({ slug: `st-${++serial}`, timezone: ZONE }).create()

    const first = await diffusions('--update', '--month', '2030-01')
    assert.equal(first.exitCode, 0, first.output)

    const got = await changes(since)
    assert.deepEqual(
      got.map((e) => e.station),
      [morning.station.slug, evening.station.slug]
    )
    assert.notInclude(
      got.map((e) => e.station),
      silent.slug
    )
    const ids = async (programId: number) =>
      (await Diffusion.query().where('programId', programId).orderBy('start')).map((d) => d.id)
    assert.deepEqual(got[0], {
      station: morning.station.slug,
      level: 'info',
      // Wednesdays 2, 9, 16, 23, 30 January, 10:00–11:00 in Brussels (UTC+1).
      from: utc('2030-01-02T10:00'),
      to: utc('2030-01-30T11:00'),
      what: ['created'],
      created: 5,
      moved: 0,
      cancelled: 0,
      confirmed: 0,
      removed: 0,
      diffusion_ids: await ids(morning.program.id),
      source: 'generation',
      month: '2030-01',
    })
    assert.equal(got[0].from, '2030-01-02T09:00:00.000Z')
    assert.deepInclude(got[1], {
      from: utc('2030-01-02T20:30'),
      to: utc('2030-01-30T21:30'),
      created: 5,
    })

    const afterFirst = await lastEventId()
    const second = await diffusions('--update', '--month', '2030-01')
    assert.equal(second.exitCode, 0, second.output)
    assert.deepEqual(await changes(afterFirst), [], 'nothing changed: no event')
  })

  test('a diffusion moved back onto its schedule is a `moved` change whose range covers where it was and where it goes', async ({
    assert,
  }) => {
    const { station, program } = await weeklyStation('10:00')
    await diffusions('--update', '--month', '2030-01')
    const [first] = await Diffusion.query().where('programId', program.id).orderBy('start')
    // Shifted behind the generator's back (not an edit by hand): the next run puts it back.
    const elsewhere = DateTime.fromISO('2030-01-01T07:00', { zone: ZONE })
    await db
      .from('diffusions')
      .where('id', first.id)
      .update({
        start: sqlDateTime(elsewhere),
        end: sqlDateTime(elsewhere.plus({ hours: 1 })),
      })
    const since = await lastEventId()

    await diffusions('--update', '--month', '2030-01')

    assert.deepEqual(await changes(since), [
      {
        station: station.slug,
        level: 'info',
        from: utc('2030-01-01T07:00'),
        to: utc('2030-01-02T11:00'),
        what: ['moved'],
        created: 0,
        moved: 1,
        cancelled: 0,
        confirmed: 0,
        removed: 0,
        diffusion_ids: [first.id],
        source: 'generation',
        month: '2030-01',
      },
    ])
  })

  test('a dry run emits nothing', async ({ assert }) => {
    await weeklyStation('10:00')
    const since = await lastEventId()
    await diffusions('--update', '--month', '2030-01', '--dry-run')
    assert.deepEqual(await changes(since), [])
  })
})

test.group('schedule_changed: edits by hand', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /** A manager of a station with an unconfirmed diffusion, and an on-air one two hours later. */
  async function calendar() {
    const station = await StationFactory.merge({ slug: `st-${++serial}`, timezone: ZONE }).create()
    const program = await ProgramFactory.merge({
      stationId: station.id,
      slug: `talk-${++serial}`,
    }).create()
    const other = await ProgramFactory.merge({
      stationId: station.id,
      slug: `music-${++serial}`,
    }).create()
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([station.id])
    const start = DateTime.fromISO('2031-03-03T10:00', { zone: ZONE })
    const episode = await EpisodeFactory.merge({ programId: program.id }).create()
    const a = await DiffusionFactory.merge({
      episodeId: episode.id,
      start,
      end: start.plus({ hours: 1 }),
    })
      .apply('unconfirmed')
      .create()
    const b = await DiffusionFactory.merge({
      episodeId: (await EpisodeFactory.merge({ programId: other.id }).create()).id,
      start: start.plus({ hours: 2 }),
      end: start.plus({ hours: 3 }),
    }).create()
    return { station, manager, a, b }
  }

  test('confirm, move and cancel in the CMS: one event each, with what happened and the range; a refused or empty edit emits none', async ({
    client,
    assert,
  }) => {
    const { station, manager, a, b } = await calendar()
    const post = (id: number, action: 'type' | 'move', form: Record<string, string>) =>
      client
        .post(`/staff/diffusions/${id}/${action}`)
        .form(form)
        .withCsrfToken()
        .loginAs(manager)
        .header('referer', '/staff/calendar')
        .redirects(0)
    const since = await lastEventId()
    const edit = (what: string, from: string, to: string, id: number) => ({
      station: station.slug,
      level: 'info',
      from: utc(from),
      to: utc(to),
      what: [what],
      created: 0,
      moved: what === 'moved' ? 1 : 0,
      cancelled: what === 'cancelled' ? 1 : 0,
      confirmed: what === 'confirmed' ? 1 : 0,
      removed: 0,
      diffusion_ids: [id],
      source: 'cms',
    })

    ;(await post(a.id, 'type', { type: 'on_air' })).assertStatus(302)
    assert.deepEqual(await changes(since), [
      edit('confirmed', '2031-03-03T10:00', '2031-03-03T11:00', a.id),
    ])

    // Already on air: confirming again changes nothing.
    ;(await post(a.id, 'type', { type: 'on_air' })).assertStatus(302)
    // Onto the other show: refused, nothing changed.
    const clash = await post(a.id, 'move', { date: '2031-03-03', time: '12:30', duration: '60' })
    assert.include(clash.flashMessages().problem, 'overlap')
    assert.lengthOf(await changes(since), 1)

    const afterConfirm = await lastEventId()
    ;(await post(a.id, 'move', { date: '2031-03-04', time: '09:15', duration: '45' })).assertStatus(
      302
    )
    ;(await post(b.id, 'type', { type: 'cancel' })).assertStatus(302)
    assert.deepEqual(await changes(afterConfirm), [
      // From where it was (3 March 10:00) to where it ends now (4 March 10:00).
      edit('moved', '2031-03-03T10:00', '2031-03-04T10:00', a.id),
      edit('cancelled', '2031-03-03T12:00', '2031-03-03T13:00', b.id),
    ])
  })

  test('a cancel through the JSON API is an event of source api', async ({ client, assert }) => {
    const { station, manager, b } = await calendar()
    const token = (await User.accessTokens.create(manager)).value!.release()
    const since = await lastEventId()
    const cancel = await client
      .patch(`/api/v1/diffusions/${b.id}`)
      .bearerToken(token)
      .json({ type: 'cancel' })
    cancel.assertStatus(200)
    const got = await changes(since)
    assert.lengthOf(got, 1)
    assert.deepInclude(got[0], {
      station: station.slug,
      from: utc('2031-03-03T12:00'),
      to: utc('2031-03-03T13:00'),
      what: ['cancelled'],
      cancelled: 1,
      diffusion_ids: [b.id],
      source: 'api',
    })
  })
})

test.group('schedule_changed: an edited or deleted schedule', () => {
  // Committed for real, not in the global transaction of the other groups:
  // the event of an edit made in a transaction waits for its commit.
  test('moving a schedule moves its future diffusions in one `moved` event; deleting it is one `removed` event; a rolled-back edit is none', async ({
    assert,
    cleanup,
  }) => {
    const { station, program } = await weeklyStation('10:00')
    cleanup(async () => {
      await Schedule.query().where('programId', program.id).delete()
      await program.delete()
      await station.delete()
    })
    const generated = await diffusions('--update', '--month', '2030-01')
    assert.equal(generated.exitCode, 0, generated.output)
    const ids = (await Diffusion.query().where('programId', program.id).orderBy('start')).map(
      (d) => d.id
    )
    assert.lengthOf(ids, 5)
    const schedule = await Schedule.query().where('programId', program.id).firstOrFail()

    let since = await lastEventId()
    schedule.time = '11:30'
    await schedule.save()
    let got = await changes(since)
    assert.deepEqual(got, [
      {
        station: station.slug,
        level: 'info',
        // From where the first one was (10:00) to where the last one ends now (12:30).
        from: utc('2030-01-02T10:00'),
        to: utc('2030-01-30T12:30'),
        what: ['moved'],
        created: 0,
        moved: 5,
        cancelled: 0,
        confirmed: 0,
        removed: 0,
        diffusion_ids: ids,
        source: 'schedule',
        schedule_id: schedule.id,
      },
    ])

    // An edit rolled back changed nothing: no event.
    since = await lastEventId()
    await db
      .transaction(async (trx) => {
        const mine = await Schedule.findOrFail(schedule.id, { client: trx })
        mine.time = '14:00'
        await mine.save()
        throw new Error('changed my mind')
      })
      .catch(() => {})
    assert.deepEqual(await changes(since), [])
    assert.equal((await Schedule.findOrFail(schedule.id)).time, '11:30')
    const first = async () =>
      (await Diffusion.query().where('programId', program.id).orderBy('start').firstOrFail()).start
        .setZone(ZONE)
        .toFormat('HH:mm')
    assert.equal(await first(), '11:30')

    // In a transaction that commits, the event comes with the commit.
    await db.transaction(async (trx) => {
      const mine = await Schedule.findOrFail(schedule.id, { client: trx })
      mine.duration = 90
      await mine.save()
    })
    got = await changes(since)
    assert.lengthOf(got, 1)
    assert.deepInclude(got[0], { what: ['moved'], moved: 5, to: utc('2030-01-30T13:00') })

    since = await lastEventId()
    await (await Schedule.findOrFail(schedule.id)).delete()
    got = await changes(since)
    assert.lengthOf(got, 1)
    assert.deepInclude(got[0], {
      station: station.slug,
      from: utc('2030-01-02T11:30'),
      to: utc('2030-01-30T13:00'),
      what: ['removed'],
      removed: 5,
      moved: 0,
      source: 'schedule',
    })
    assert.sameMembers(got[0].diffusion_ids as number[], ids)
    assert.lengthOf(await Diffusion.query().where('programId', program.id), 0)
  })
})
