import { test } from '@japa/runner'
import {
  afterRenew,
  DEFAULT_LEASE_TIMING,
  fenceDeadline,
  renewInterval,
  standbyInterval,
  takeoverKind,
} from '#streamer/lease_rules'

const timing = DEFAULT_LEASE_TIMING

test.group('Lease rules: outputs off before anyone else may play', () => {
  test('the outputs stop a margin before the earliest expiry, whatever the database clock says', ({
    assert,
  }) => {
    // Sent at t: the database expires it at its now + 3 s, its now being no earlier than t.
    assert.equal(fenceDeadline(10_000, timing), 12_000)
    assert.isBelow(fenceDeadline(10_000, timing), 10_000 + timing.durationMs)
    // Three renewals fit before the deadline; a standby looks often enough to take over at once.
    assert.equal(renewInterval(timing), 666)
    assert.isAtMost(renewInterval(timing) * 3, timing.durationMs - timing.marginMs)
    assert.equal(standbyInterval(timing), 250)
    assert.equal(renewInterval({ durationMs: 100, marginMs: 90 }), 100)
  })

  test('a leader extends on a renewal, steps down when taken, and plays on until its deadline when the database does not answer', ({
    assert,
  }) => {
    assert.deepEqual(afterRenew('renewed', 20_000, 21_000, 20_050, timing), {
      kind: 'extend',
      until: 22_000,
    })
    assert.deepEqual(afterRenew('taken', 20_000, 21_000, 20_050, timing), {
      kind: 'step_down',
      reason: 'taken',
    })
    assert.deepEqual(afterRenew('unreachable', 20_000, 21_000, 20_700, timing), { kind: 'wait' })
    assert.deepEqual(afterRenew('unreachable', 20_000, 21_000, 21_000, timing), {
      kind: 'step_down',
      reason: 'unreachable',
    })
  })

  test('a node that takes the lease while its Liquidsoap still plays goes on; one standing by takes over', ({
    assert,
  }) => {
    assert.equal(takeoverKind(5000, 4000), 'continue')
    assert.equal(takeoverKind(4000, 4000), 'takeover')
    assert.equal(takeoverKind(0, 4000), 'takeover')
  })
})
