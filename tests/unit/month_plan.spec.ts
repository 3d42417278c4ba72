/*
| The month plan without a database: schedules and what exists in, creations,
| moves and conflicts out (app/scheduling/month_plan.ts).
*/
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { type Recurrence } from '#scheduling/recurrence'
import { type Interval } from '#scheduling/interval_index'
import {
  type ExistingDiffusion,
  type MonthPlanInput,
  type NewDiffusion,
  type ScheduleRow,
  conflictWindow,
  markConflicts,
  planMonth as planOnly,
  readWindow,
  rerunProblems,
} from '#scheduling/month_plan'

const ZONE = 'Europe/Brussels'
const MARCH = { year: 2026, month: 3 }

const rule = (overrides: Partial<Recurrence> = {}): Recurrence => ({
  date: '2026-01-07', // a Wednesday
  time: '10:00',
  timezone: ZONE,
  duration: 60,
  frequency: 'every',
  ...overrides,
})

const schedule = (overrides: Partial<ScheduleRow> = {}): ScheduleRow => ({
  id: 1,
  programId: 10,
  programTitle: 'Morning',
  initialId: null,
  rule: rule(),
  ...overrides,
})

const input = (
  overrides: Partial<MonthPlanInput> & { onAir?: Interval[] } = {}
): MonthPlanInput & { onAir?: Interval[] } => ({
  month: MARCH,
  schedules: [schedule()],
  existing: [],
  takenSlugs: [],
  episodeTitle: '{program} of {date}',
  now: DateTime.fromISO('2026-02-15T00:00:00Z'),
  ...overrides,
})

const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toUTC()

/** What a plan's new diffusions are once written: ids from 100, episodes from 200. */
const written = (
  diffusions: NewDiffusion[],
  edited = (_index: number) => false
): ExistingDiffusion[] =>
  diffusions.map((d, i) => ({
    id: 100 + i,
    scheduleId: d.scheduleId,
    occurrenceDate: d.occurrenceDate,
    episodeId: 200 + i,
    start: d.start,
    end: d.end,
    edited: edited(i),
  }))

/** The plan, its conflicts marked against the station's `on_air` diffusions (as the generator does). */
function planMonth(all: MonthPlanInput & { onAir?: Interval[] }) {
  const plan = planOnly(all)
  if (conflictWindow(plan)) markConflicts(plan, all.onAir ?? [])
  return plan
}

test.group('Month plan', () => {
  test('every Wednesday of March: one episode and one diffusion each, across the DST change', ({
    assert,
  }) => {
    const plan = planMonth(input())
    assert.deepEqual(
      plan.diffusions.map((d) => d.occurrenceDate),
      ['2026-03-04', '2026-03-11', '2026-03-18', '2026-03-25']
    )
    assert.lengthOf(plan.episodes, 4)
    assert.deepEqual(
      plan.episodes.map((e) => [e.title, e.slug]),
      [
        ['Morning of 4 March 2026', '2026-03-04'],
        ['Morning of 11 March 2026', '2026-03-11'],
        ['Morning of 18 March 2026', '2026-03-18'],
        ['Morning of 25 March 2026', '2026-03-25'],
      ]
    )
    // 10:00 local is 09:00 UTC before 29 March and would be 08:00 after: the 25th is still winter.
    assert.equal(plan.diffusions[3].start.toISO(), '2026-03-25T09:00:00.000Z')
    assert.isTrue(plan.diffusions.every((d) => d.type === 'on_air' && d.initial === null))
    assert.deepEqual(plan.diffusions[0].episode, { ref: plan.episodes[0].ref })
    assert.deepEqual([plan.moves, plan.conflicts, plan.existing], [[], [], 0])
  })

  test('a second run over what the first wrote creates nothing', ({ assert }) => {
    const first = planMonth(input())
    const existing = written(first.diffusions)
    const second = planMonth(input({ existing }))
    assert.deepEqual([second.episodes, second.diffusions, second.moves], [[], [], []])
    assert.equal(second.existing, 4)
  })

  test('a schedule moved to 11:00 moves the future diffusions nobody edited, not the others', ({
    assert,
  }) => {
    const at10 = planMonth(input()).diffusions
    const existing = written(at10, (i) => i === 2) // moved by hand in the CMS
    const plan = planMonth(
      input({
        schedules: [schedule({ rule: rule({ time: '11:00' }) })],
        existing,
        now: local('2026-03-05T00:00'), // the 4th has aired
      })
    )
    assert.deepEqual(
      plan.moves.map((m) => [m.id, m.start.setZone(ZONE).toFormat('dd HH:mm')]),
      [
        [101, '11 11:00'],
        [103, '25 11:00'],
      ]
    )
    assert.deepEqual(plan.diffusions, [])
  })

  test('a rerun airs its initial episode, offset by the days between the schedules', ({
    assert,
  }) => {
    const rerun = schedule({
      id: 2,
      initialId: 1,
      rule: rule({ date: '2026-01-10', time: '18:00' }),
    })
    const plan = planMonth(input({ schedules: [schedule(), rerun] }))
    const reruns = plan.diffusions.filter((d) => d.scheduleId === 2)
    // The rerun of 25 March airs on Saturday 28; each points at its initial and shares its episode.
    assert.deepEqual(
      reruns.map((d) => d.occurrenceDate),
      ['2026-03-07', '2026-03-14', '2026-03-21', '2026-03-28']
    )
    for (const r of reruns) {
      const initial = plan.diffusions.find((d) => 'ref' in r.initial! && d.ref === r.initial.ref)!
      assert.equal(initial.scheduleId, 1)
      assert.deepEqual(r.episode, initial.episode)
    }
    assert.lengthOf(plan.episodes, 4)
  })

  test('a rerun of an initial that already exists refers to it by id', ({ assert }) => {
    const occurrence = planMonth(input()).diffusions[0]
    const existing: ExistingDiffusion[] = [
      {
        id: 7,
        scheduleId: 1,
        occurrenceDate: occurrence.occurrenceDate,
        episodeId: 70,
        start: occurrence.start,
        end: occurrence.end,
        edited: false,
      },
    ]
    const rerun = schedule({
      id: 2,
      initialId: 1,
      rule: rule({ date: '2026-01-10', time: '18:00' }),
    })
    const plan = planMonth(input({ schedules: [schedule(), rerun], existing }))
    const first = plan.diffusions.find((d) => d.occurrenceDate === '2026-03-07')!
    assert.deepEqual([first.initial, first.episode], [{ id: 7 }, { id: 70 }])
  })

  test('an overlap with an on_air diffusion makes the new one unconfirmed, and is reported', ({
    assert,
  }) => {
    const onAir = [
      {
        id: 50,
        title: 'Special',
        start: local('2026-03-11T09:30'),
        end: local('2026-03-11T10:30'),
      },
    ]
    const plan = planMonth(input({ onAir }))
    assert.deepEqual(
      plan.diffusions.map((d) => d.type),
      ['on_air', 'unconfirmed', 'on_air', 'on_air']
    )
    assert.lengthOf(plan.conflicts, 1)
    assert.equal(plan.conflicts[0].with.title, 'Special')
    assert.equal(plan.conflicts[0].diffusion.occurrenceDate, '2026-03-11')
  })

  test('two new schedules at the same time: the first keeps the slot', ({ assert }) => {
    const other = schedule({ id: 3, programId: 11, programTitle: 'Other' })
    const plan = planMonth(input({ schedules: [schedule(), other] }))
    assert.deepEqual(
      plan.conflicts.map((c) => [c.diffusion.scheduleId, c.with.title]),
      [
        [3, 'Morning'],
        [3, 'Morning'],
        [3, 'Morning'],
        [3, 'Morning'],
      ]
    )
  })

  test('an on_air diffusion this plan moves away no longer conflicts at its old place', ({
    assert,
  }) => {
    // Schedule 1 moves from 10:00 to 12:00; a new schedule takes 10:00.
    const at10 = planMonth(input()).diffusions
    const existing = written(at10)
    const onAir = at10.map((d, i) => ({
      id: 100 + i,
      title: 'Morning',
      start: d.start,
      end: d.end,
    }))
    const newcomer = schedule({ id: 4, programId: 12, programTitle: 'Newcomer' })
    const plan = planMonth(
      input({
        schedules: [schedule({ rule: rule({ time: '12:00' }) }), newcomer],
        existing,
        onAir,
      })
    )
    assert.lengthOf(plan.moves, 4)
    assert.deepEqual(plan.conflicts, [])
    assert.isTrue(plan.diffusions.every((d) => d.scheduleId === 4 && d.type === 'on_air'))
  })

  test('slugs taken by the program get the time, then a number', ({ assert }) => {
    const plan = planMonth(
      input({ takenSlugs: ['10|2026-03-04', '10|2026-03-11', '10|2026-03-11-1000'] })
    )
    assert.deepEqual(
      plan.episodes.map((e) => e.slug),
      ['2026-03-04-1000', '2026-03-11-1000-2', '2026-03-18', '2026-03-25']
    )
  })

  test('the read windows: reruns airing after the month; on_air diffusions around the new ones', ({
    assert,
  }) => {
    const rerun = schedule({ id: 2, initialId: 1, rule: rule({ date: '2026-01-10' }) })
    assert.deepEqual(readWindow([schedule(), rerun], MARCH), {
      from: '2026-03-01',
      until: '2026-04-05',
    })
    const window = conflictWindow(planOnly(input({ schedules: [schedule(), rerun] })))!
    assert.equal(window.startFrom.toISO(), local('2026-03-02T10:00').toISO())
    assert.equal(window.endAfter.toISO(), local('2026-03-04T10:00').toISO())
    assert.equal(window.startBefore.toISO(), local('2026-03-28T11:00').toISO())
  })

  test('a plan that creates nothing has no conflict window: its run reads no more', ({
    assert,
  }) => {
    const first = planOnly(input())
    const existing = written(first.diffusions)
    assert.isNull(conflictWindow(planOnly(input({ existing }))))
  })

  test('rerun problems: a missing initial, a rerun of a rerun, a date before the initial', ({
    assert,
  }) => {
    const problems = rerunProblems([
      schedule(),
      schedule({ id: 2, initialId: 99 }),
      schedule({ id: 3, initialId: 4 }),
      schedule({ id: 4, initialId: 1, rule: rule({ date: '2026-01-08' }) }),
      schedule({ id: 5, initialId: 1, rule: rule({ date: '2025-12-31' }) }),
    ])
    assert.deepEqual(problems, [
      'rerun schedule #2 of "Morning": its initial schedule #99 is not an active schedule',
      'rerun schedule #3 of "Morning": its initial schedule #4 is itself a rerun',
      'rerun schedule #5 of "Morning": its date 2025-12-31 is before the initial\'s 2026-01-07',
    ])
  })
})
