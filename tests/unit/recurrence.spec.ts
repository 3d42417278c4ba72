import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import {
  type Frequency,
  type Recurrence,
  datesOfMonth,
  localDayBounds,
  nextOccurrences,
  occurrenceOn,
  occurrencesOfMonth,
  parseMonth,
  recurrenceErrors,
  rerunDate,
  wallClockToUtc,
} from '#scheduling/recurrence'

const rule = (overrides: Partial<Recurrence> = {}): Recurrence => ({
  date: '2024-01-03',
  time: '10:00',
  timezone: 'Europe/Brussels',
  duration: 60,
  frequency: 'every',
  ...overrides,
})

const days = (r: Recurrence, month: string) =>
  datesOfMonth(r, parseMonth(month)!).map((d) => d.slice(8))

/** Local ISO (with offset) of an occurrence's start, in the rule's zone. */
const localStart = (r: Recurrence, date: string) =>
  occurrenceOn(r, date)
    .start.setZone(r.timezone)
    .toISO({ suppressMilliseconds: true, suppressSeconds: true })

test.group(
  'Schedule frequencies (a Wednesday schedule from 2024-01-03, as measured on Aircox)',
  () => {
    // Expected dates: Aircox HEAD's dates_of_month for the same rule (reference/aircox.md §5.2).
    const expected: Record<Exclude<Frequency, 'ponctual'>, Record<string, string[]>> = {
      first: { '2024-01': ['03'], '2024-02': ['07'], '2024-03': ['06'], '2024-05': ['01'] },
      second: { '2024-01': ['10'], '2024-02': ['14'], '2024-03': ['13'], '2024-05': ['08'] },
      third: { '2024-01': ['17'], '2024-02': ['21'], '2024-03': ['20'], '2024-05': ['15'] },
      fourth: { '2024-01': ['24'], '2024-02': ['28'], '2024-03': ['27'], '2024-05': ['22'] },
      last: { '2024-01': ['31'], '2024-02': ['28'], '2024-03': ['27'], '2024-05': ['29'] },
      first_and_third: {
        '2024-01': ['03', '17'],
        '2024-02': ['07', '21'],
        '2024-03': ['06', '20'],
        '2024-05': ['01', '15'],
      },
      second_and_fourth: {
        '2024-01': ['10', '24'],
        '2024-02': ['14', '28'],
        '2024-03': ['13', '27'],
        '2024-05': ['08', '22'],
      },
      every: {
        '2024-01': ['03', '10', '17', '24', '31'],
        '2024-02': ['07', '14', '21', '28'],
        '2024-03': ['06', '13', '20', '27'],
        '2024-05': ['01', '08', '15', '22', '29'],
      },
      one_on_two: {
        '2024-01': ['03', '17', '31'],
        '2024-02': ['14', '28'],
        '2024-03': ['13', '27'],
        '2024-05': ['08', '22'],
      },
    }

    for (const [frequency, months] of Object.entries(expected)) {
      test(`"${frequency}" picks the right Wednesdays`, ({ assert }) => {
        for (const [month, dates] of Object.entries(months)) {
          assert.deepEqual(days(rule({ frequency: frequency as Frequency }), month), dates, month)
        }
      })
    }

    test('"ponctual" gives its one date (Aircox generated nothing and crashed)', ({ assert }) => {
      const r = rule({ frequency: 'ponctual', date: '2024-02-14' })
      assert.deepEqual(days(r, '2024-02'), ['14'])
      assert.deepEqual(days(r, '2024-01'), [])
      assert.deepEqual(days(r, '2024-03'), [])
    })

    test('"every" gives five dates in a five-occurrence month and four otherwise', ({ assert }) => {
      assert.lengthOf(days(rule(), '2024-05'), 5)
      assert.lengthOf(days(rule(), '2024-06'), 4)
    })

    test('"fourth" is never the fifth occurrence; "last" is', ({ assert }) => {
      assert.deepEqual(days(rule({ frequency: 'fourth' }), '2024-07'), ['24'])
      assert.deepEqual(days(rule({ frequency: 'last' }), '2024-07'), ['31'])
    })

    test('"last" of a Sunday schedule (Aircox: Jun 30, Jul 28, Aug 25, Sep 29)', ({ assert }) => {
      const r = rule({ frequency: 'last', date: '2024-06-30', time: '21:00' })
      assert.deepEqual(
        ['2024-06', '2024-07', '2024-08', '2024-09'].map((m) => days(r, m)),
        [['30'], ['28'], ['25'], ['29']]
      )
    })

    test('"one_on_two" keeps its 14-day phase across months and years', ({ assert }) => {
      const r = rule({ frequency: 'one_on_two', date: '2024-01-07', time: '09:00' })
      assert.deepEqual(days(r, '2024-03'), ['03', '17', '31'])
      const all = ['2024-01', '2024-06', '2024-12', '2025-01', '2025-02'].flatMap((m) =>
        datesOfMonth(r, parseMonth(m)!)
      )
      for (const date of all) {
        const gap = DateTime.fromISO(date).diff(DateTime.fromISO('2024-01-07'), 'days').days
        assert.equal(gap % 14, 0, date)
      }
    })

    test("the 2015 expectations of Aircox's first tests hold", ({ assert }) => {
      const initial = rule({ frequency: 'one_on_two', date: '2015-10-02', time: '18:00' })
      assert.deepEqual(days(initial, '2015-10'), ['02', '16', '30'])
      // "november first week starting on sunday"
      const firstAndThird = rule({ frequency: 'first_and_third', date: '2015-10-23' })
      assert.deepEqual(days(firstAndThird, '2015-11'), ['06', '20'])
    })

    test('leap years: the last Thursday of February 2024 is the 29th, of 2023 the 23rd', ({
      assert,
    }) => {
      const r = rule({ frequency: 'last', date: '2023-01-05' })
      assert.deepEqual(days(r, '2024-02'), ['29'])
      assert.deepEqual(days(r, '2023-02'), ['23'])
      assert.deepEqual(days(rule({ date: '2024-02-29', frequency: 'every' }), '2024-02'), ['29'])
      // A Thursday in a February that starts on a Thursday: five of them (2024: Feb 1..29).
      assert.deepEqual(days(rule({ date: '2024-02-01', frequency: 'every' }), '2024-02'), [
        '01',
        '08',
        '15',
        '22',
        '29',
      ])
    })
  }
)

test.group('Schedule bounds', () => {
  test('nothing before the first date (Aircox generated June 5 and 12 for a June 19 schedule)', ({
    assert,
  }) => {
    assert.deepEqual(days(rule({ date: '2024-06-19' }), '2024-06'), ['19', '26'])
    assert.deepEqual(days(rule({ date: '2024-06-19', frequency: 'one_on_two' }), '2024-06'), ['19'])
    assert.deepEqual(days(rule({ date: '2024-06-19' }), '2024-05'), [])
  })

  test('nothing after the end date, which is inclusive', ({ assert }) => {
    const r = rule({ date: '2024-01-03', endDate: '2024-01-17' })
    assert.deepEqual(days(r, '2024-01'), ['03', '10', '17'])
    assert.deepEqual(days(r, '2024-02'), [])
  })

  test('a bad rule is described, field by field', ({ assert }) => {
    assert.deepEqual(recurrenceErrors(rule()), [])
    const errors = recurrenceErrors({
      date: '2024-02-30',
      endDate: 'soon',
      time: '25:00',
      timezone: 'Mars/Olympus',
      duration: 0,
      frequency: 'sometimes' as Frequency,
    })
    assert.deepEqual(errors, [
      'invalid date "2024-02-30" (expected YYYY-MM-DD)',
      'invalid end date "soon" (expected YYYY-MM-DD)',
      'invalid time "25:00" (expected HH:MM)',
      'invalid time zone "Mars/Olympus"',
      'invalid duration "0" (expected a positive number of minutes)',
      'invalid frequency "sometimes"',
    ])
    assert.deepEqual(recurrenceErrors(rule({ endDate: '2023-12-31' })), [
      'end date 2023-12-31 is before the first date 2024-01-03',
    ])
  })

  test('months are YYYY-MM and nothing else', ({ assert }) => {
    assert.deepEqual(parseMonth('2024-02'), { year: 2024, month: 2 })
    for (const bad of ['2024-13', '2024-00', '2024-2', '24-02', '2024/02', '', 'next']) {
      assert.isNull(parseMonth(bad), bad)
    }
  })
})

test.group('Wall-clock time across DST', () => {
  const cases: { zone: string; gap: string; fold: string; standard: string; summer: string }[] = [
    // zone, spring-forward date, fall-back date, and the offsets around them
    {
      zone: 'Europe/Brussels',
      gap: '2024-03-31',
      fold: '2024-10-27',
      standard: '+01:00',
      summer: '+02:00',
    },
    {
      zone: 'America/New_York',
      gap: '2024-03-10',
      fold: '2024-11-03',
      standard: '-05:00',
      summer: '-04:00',
    },
  ]

  for (const c of cases) {
    test(`${c.zone}: a time in the spring-forward gap airs later by the gap, that day only`, ({
      assert,
    }) => {
      const r = rule({ timezone: c.zone, time: '02:30', date: '2024-01-01', frequency: 'every' })
      assert.equal(localStart(r, c.gap), `${c.gap}T03:30${c.summer}`)
      // The day before and the week after keep 02:30.
      const before = DateTime.fromISO(c.gap).minus({ days: 7 }).toISODate()!
      const after = DateTime.fromISO(c.gap).plus({ days: 7 }).toISODate()!
      assert.equal(localStart(r, before), `${before}T02:30${c.standard}`)
      assert.equal(localStart(r, after), `${after}T02:30${c.summer}`)
    })

    test(`${c.zone}: a time that occurs twice on the autumn night is its first occurrence`, ({
      assert,
    }) => {
      const time = c.zone === 'America/New_York' ? '01:30' : '02:30'
      const r = rule({ timezone: c.zone, time, date: '2024-01-01' })
      assert.equal(localStart(r, c.fold), `${c.fold}T${time}${c.summer}`)
      const after = DateTime.fromISO(c.fold).plus({ days: 7 }).toISODate()!
      assert.equal(localStart(r, after), `${after}T${time}${c.standard}`)
    })

    test(`${c.zone}: duration is elapsed time across the change`, ({ assert }) => {
      // 01:00 + 2 h of airtime on the spring-forward night ends at 04:00 local.
      const r = rule({ timezone: c.zone, time: '01:00', duration: 120, date: '2024-01-01' })
      const occurrence = occurrenceOn(r, c.gap)
      assert.equal(occurrence.end.diff(occurrence.start, 'minutes').minutes, 120)
      assert.equal(occurrence.end.setZone(c.zone).toFormat('HH:mm'), '04:00')
    })
  }

  test('Australia/Sydney (southern hemisphere): the gap is in October, the fold in April', ({
    assert,
  }) => {
    const r = rule({
      timezone: 'Australia/Sydney',
      time: '02:30',
      date: '2024-01-01',
      frequency: 'every',
    })
    // 2024-10-06: 02:00 → 03:00 (+10 → +11); 2024-04-07: 03:00 → 02:00 (+11 → +10).
    assert.equal(localStart(r, '2024-10-06'), '2024-10-06T03:30+11:00')
    assert.equal(localStart(r, '2024-10-13'), '2024-10-13T02:30+11:00')
    assert.equal(localStart(r, '2024-04-07'), '2024-04-07T02:30+11:00')
    assert.equal(localStart(r, '2024-04-14'), '2024-04-14T02:30+10:00')
    assert.equal(localStart(r, '2024-03-31'), '2024-03-31T02:30+11:00')
  })

  test('a weekly show keeps its wall-clock time all year: the UTC time moves, not the local one', ({
    assert,
  }) => {
    const r = rule({ timezone: 'Europe/Brussels', time: '10:00', date: '2024-01-03' })
    const starts = ['2024-01', '2024-04', '2024-07', '2024-11'].flatMap((m) =>
      occurrencesOfMonth(r, parseMonth(m)!)
    )
    for (const o of starts)
      assert.equal(o.start.setZone('Europe/Brussels').toFormat('HH:mm'), '10:00')
    assert.equal(
      wallClockToUtc('2024-01-03', '10:00', 'Europe/Brussels').toISO(),
      '2024-01-03T09:00:00.000Z'
    )
    assert.equal(
      wallClockToUtc('2024-07-03', '10:00', 'Europe/Brussels').toISO(),
      '2024-07-03T08:00:00.000Z'
    )
  })

  test('a local day is 23 or 25 hours long on DST days', ({ assert }) => {
    const [a, b] = localDayBounds('2024-03-31', 'Europe/Brussels')
    assert.equal(b.diff(a, 'hours').hours, 23)
    const [c, d] = localDayBounds('2024-10-27', 'Europe/Brussels')
    assert.equal(d.diff(c, 'hours').hours, 25)
  })
})

test.group('Reruns', () => {
  test("a rerun airs as many days after each initial as its date is after the initial's (Aircox: Jan 6 … Feb 3)", ({
    assert,
  }) => {
    const initial = rule({ date: '2024-01-03', time: '10:00', frequency: 'every' })
    const rerun = rule({ date: '2024-01-06', time: '15:00', frequency: 'every' })
    const reruns = datesOfMonth(initial, parseMonth('2024-01')!).map((d) =>
      rerunDate(initial, rerun, d)
    )
    assert.deepEqual(reruns, ['2024-01-06', '2024-01-13', '2024-01-20', '2024-01-27', '2024-02-03'])
  })

  test('a rerun uses its own time and zone', ({ assert }) => {
    const initial = rule({ date: '2024-01-03', time: '10:00' })
    const rerun = rule({ date: '2024-01-04', time: '03:00', timezone: 'America/New_York' })
    const date = rerunDate(initial, rerun, '2024-03-06')!
    assert.equal(localStart(rerun, date), '2024-03-07T03:00-05:00')
  })

  test("no rerun after the rerun schedule's end date", ({ assert }) => {
    const initial = rule({ date: '2024-01-03' })
    const rerun = rule({ date: '2024-01-06', endDate: '2024-01-20' })
    assert.equal(rerunDate(initial, rerun, '2024-01-17'), '2024-01-20')
    assert.isNull(rerunDate(initial, rerun, '2024-01-24'))
  })
})

test.group('Preview of the next dates', () => {
  test('the next occurrences cross months and stop at the end date', ({ assert }) => {
    const r = rule({ date: '2024-01-03', endDate: '2024-02-14', frequency: 'one_on_two' })
    const next = nextOccurrences(r, DateTime.fromISO('2024-01-20T00:00:00Z'), 10)
    assert.deepEqual(
      next.map((o) => o.date),
      ['2024-01-31', '2024-02-14']
    )
  })

  test('a schedule that starts later is previewed from its first date', ({ assert }) => {
    const r = rule({ date: '2030-05-01', frequency: 'first' })
    const next = nextOccurrences(r, DateTime.fromISO('2024-01-01T00:00:00Z'), 3)
    assert.deepEqual(
      next.map((o) => o.date),
      ['2030-05-01', '2030-06-05', '2030-07-03']
    )
  })
})
