/*
| When a diffusion at risk is told (app/events/risk_alerts.ts): 24 h and 1 h
| before its start, once each, a missed threshold not told late.
*/
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { alertKey, dueAlerts, reachedThreshold } from '#events/risk_alerts'

const START = DateTime.fromISO('2030-03-10T20:00:00Z')
const before = (minutes: number) => START.minus({ minutes })

test.group('Risk alerts', () => {
  test('more than 24 h ahead: nothing; from 24 h: "24h"; from 1 h: "1h"', ({ assert }) => {
    assert.isNull(reachedThreshold(START, before(24 * 60 + 1)))
    assert.equal(reachedThreshold(START, before(24 * 60)), '24h')
    assert.equal(reachedThreshold(START, before(61)), '24h')
    assert.equal(reachedThreshold(START, before(60)), '1h')
    assert.equal(reachedThreshold(START, before(1)), '1h')
  })

  test('once started, or past, nothing is due', ({ assert }) => {
    assert.isNull(reachedThreshold(START, START))
    assert.isNull(reachedThreshold(START, START.plus({ minutes: 5 })))
  })

  test('an alert told is not due again; the next threshold is', ({ assert }) => {
    const diffusion = { id: 7, start: START }
    assert.deepEqual(dueAlerts([diffusion], new Set(), before(600)), [
      { diffusion, threshold: '24h' },
    ])
    assert.deepEqual(dueAlerts([diffusion], new Set([alertKey(7, '24h')]), before(600)), [])
    assert.deepEqual(dueAlerts([diffusion], new Set([alertKey(7, '24h')]), before(30)), [
      { diffusion, threshold: '1h' },
    ])
    assert.deepEqual(
      dueAlerts([diffusion], new Set([alertKey(7, '24h'), alertKey(7, '1h')]), before(30)),
      []
    )
  })

  test('a 24 h alert missed (no watch ran, or not at risk then) is not told within the hour', ({
    assert,
  }) => {
    const diffusion = { id: 7, start: START }
    assert.deepEqual(dueAlerts([diffusion], new Set(), before(30)), [
      { diffusion, threshold: '1h' },
    ])
  })

  test('each diffusion at its own threshold', ({ assert }) => {
    const soon = { id: 1, start: START }
    const tomorrow = { id: 2, start: START.plus({ hours: 20 }) }
    const later = { id: 3, start: START.plus({ days: 2 }) }
    assert.deepEqual(
      dueAlerts([soon, tomorrow, later], new Set(), before(45)).map((a) => [
        a.diffusion.id,
        a.threshold,
      ]),
      [
        [1, '1h'],
        [2, '24h'],
      ]
    )
  })
})
