import { test } from '@japa/runner'
import { IANAZone } from 'luxon'
import { zoneOffset } from '#scheduling/zone_offsets'

test.group('Cached zone offsets', () => {
  test('agree with luxon to the minute, transitions included', ({ assert }) => {
    const zones = [
      'Europe/Brussels',
      'America/New_York',
      'Australia/Sydney',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'UTC',
    ]
    for (const name of zones) {
      const zone = IANAZone.create(name)
      // Every 37 minutes through 2024 and 2025: lands next to every transition.
      for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2026, 0, 1); t += 37 * 60_000) {
        if (zoneOffset(name, t) !== zone.offset(t)) {
          assert.fail(
            `${name} at ${new Date(t).toISOString()}: ${zoneOffset(name, t)} ≠ ${zone.offset(t)}`
          )
        }
      }
      // And exactly at the minute around Brussels' spring transition (01:00 UTC).
    }
    const at = Date.UTC(2024, 2, 31, 1, 0)
    assert.equal(zoneOffset('Europe/Brussels', at - 60_000), 60)
    assert.equal(zoneOffset('Europe/Brussels', at), 120)
  })

  test('an unknown zone is an error', ({ assert }) => {
    assert.throws(() => zoneOffset('Mars/Olympus', 0), 'invalid time zone "Mars/Olympus"')
  })
})
