import { test } from '@japa/runner'
import { DatabaseOutage, formatAway } from '#health/database_outage'

/** An outage tracker on a fake clock, and what it logged. */
function tracker() {
  const said: string[] = []
  const clock = { now: 1_000_000 }
  const outage = new DatabaseOutage(
    'events',
    {
      warn: (m) => said.push(`warn ${m}`),
      info: (m) => said.push(`info ${m}`),
      error: (m) => said.push(`error ${m}`),
    },
    () => clock.now
  )
  return { outage, said, clock }
}

const refused = Object.assign(
  new Error('select * from `event_sinks` - connect ECONNREFUSED 127.0.0.1:3306'),
  { code: 'ECONNREFUSED' }
)
const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), {
  code: 'PROTOCOL_CONNECTION_LOST',
})

test.group('Database outages, said once', () => {
  test('the first failed pass of an outage is one warning (the reason without its SQL); the next ones are quiet', ({
    assert,
  }) => {
    const { outage, said, clock } = tracker()
    for (const error of [refused, lost, refused]) {
      assert.isTrue(outage.failed(error))
      clock.now += 1000
    }
    assert.deepEqual(said, [
      'warn events: database unavailable (connect ECONNREFUSED 127.0.0.1:3306); trying again quietly until it is back',
    ])
    assert.isTrue(outage.down)
  })

  test('the first pass that reaches the database says how long it was away and what was written; the next ones say nothing', ({
    assert,
  }) => {
    const { outage, said, clock } = tracker()
    outage.failed(refused)
    clock.now += 103_400
    outage.reached('3 event(s) delivered by the first pass')
    outage.reached('0 event(s) delivered by the first pass')
    assert.deepEqual(said.slice(1), [
      'info events: database back after 1 min 43 s; 3 event(s) delivered by the first pass',
    ])
    assert.isFalse(outage.down)
  })

  test('a pass that reaches the database with no outage says nothing', ({ assert }) => {
    const { outage, said } = tracker()
    outage.reached('1 sample(s)')
    assert.deepEqual(said, [])
  })

  test('an error that is not an outage (a refused row, a bad query) is not counted: the caller reports it', ({
    assert,
  }) => {
    const { outage, said } = tracker()
    const refusedRow = Object.assign(
      new Error('insert into `logs` - Cannot add or update a child row'),
      { code: 'ER_NO_REFERENCED_ROW_2' }
    )
    assert.isFalse(outage.failed(refusedRow))
    assert.isFalse(outage.down)
    assert.deepEqual(said, [])
  })

  test('a second outage is told again, with its own length', ({ assert }) => {
    const { outage, said, clock } = tracker()
    outage.failed(refused)
    clock.now += 2000
    outage.reached()
    clock.now += 60_000
    outage.failed(lost)
    clock.now += 12_340
    outage.reached('1 change(s) written by the first pass')
    assert.deepEqual(said, [
      'warn events: database unavailable (connect ECONNREFUSED 127.0.0.1:3306); trying again quietly until it is back',
      'info events: database back after 2.0 s',
      'warn events: database unavailable (Connection lost: The server closed the connection.); trying again quietly until it is back',
      'info events: database back after 12.3 s; 1 change(s) written by the first pass',
    ])
  })

  test('lengths read as an operator says them', ({ assert }) => {
    assert.equal(formatAway(850), '850 ms')
    assert.equal(formatAway(1000), '1.0 s')
    assert.equal(formatAway(59_940), '59.9 s')
    assert.equal(formatAway(60_000), '1 min 0 s')
    assert.equal(formatAway(103_400), '1 min 43 s')
  })
})
