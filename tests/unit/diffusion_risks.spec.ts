/*
| The rules of foresight without a database: what is known of a diffusion in,
| its risk out (app/scheduling/diffusion_risks.ts).
*/
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import {
  type RiskFacts,
  type RiskInitial,
  type StationLive,
  diffusionRisk,
} from '#scheduling/diffusion_risks'

const NOW = DateTime.fromISO('2030-03-10T12:00:00Z')
const STATION: StationLive = { liveInput: true, recordsLive: true, zone: 'Europe/Brussels' }

type FactsOverrides = Omit<Partial<RiskFacts>, 'program'> & {
  program?: Partial<RiskFacts['program']>
}

const facts = ({ program, ...overrides }: FactsOverrides = {}): RiskFacts => ({
  program: { acceptAnyQuality: false, liveRecently: false, hostsWithKey: 1, ...program },
  archives: [],
  initial: null,
  ...overrides,
})

/** An initial that aired yesterday 20:00–21:00 UTC (21:00 in Brussels). */
const initial = (overrides: Partial<RiskInitial> = {}): RiskInitial => ({
  type: 'on_air',
  start: NOW.minus({ days: 1 }).set({ hour: 20 }),
  end: NOW.minus({ days: 1 }).set({ hour: 21 }),
  wentLive: false,
  ...overrides,
})

const upcoming = (overrides: Partial<RiskInitial> = {}) =>
  initial({ start: NOW.plus({ hours: 3 }), end: NOW.plus({ hours: 4 }), ...overrides })

const good = { name: 'show.mp3', isGoodQuality: true }
const bad = { name: 'hiss.mp3', isGoodQuality: false }
const unchecked = { name: 'new.mp3', isGoodQuality: null }

const kindOf = (f: RiskFacts, station = STATION) => diffusionRisk(f, station, NOW)?.reason ?? null

test.group('Diffusion risks: an initial', () => {
  test('a good archive: no risk, live or not', ({ assert }) => {
    assert.isNull(kindOf(facts({ archives: [good] })))
    assert.isNull(kindOf(facts({ archives: [good], program: { liveRecently: true } })))
  })

  test('an archive the library has not checked yet is no risk', ({ assert }) => {
    assert.isNull(kindOf(facts({ archives: [unchecked] })))
  })

  test('no archive and no live show recently: upload it or check the host has a key', ({
    assert,
  }) => {
    const found = diffusionRisk(facts(), STATION, NOW)!
    assert.equal(found.kind, 'no_archive')
    assert.equal(found.reason, 'no_archive_no_live')
    assert.equal(found.problem, 'no archive and no live show recently')
    assert.equal(found.todo, 'upload the archive, or check the host has a live key')
  })

  test('no archive, but the program went live recently: it is expected live', ({ assert }) => {
    assert.isNull(kindOf(facts({ program: { liveRecently: true } })))
  })

  test('no archive and no host of the program holds a live key: say so', ({ assert }) => {
    const found = diffusionRisk(facts({ program: { hostsWithKey: 0 } }), STATION, NOW)!
    assert.equal(found.reason, 'no_archive_no_key')
    assert.equal(found.todo, 'upload the archive, or give a host of the program a live key')
  })

  test('no archive at a station without a live input: only an upload helps', ({ assert }) => {
    const found = diffusionRisk(facts(), { ...STATION, liveInput: false }, NOW)!
    assert.equal(found.kind, 'no_archive')
    assert.equal(found.reason, 'no_archive_no_live_input')
    assert.equal(found.todo, 'upload the archive')
  })
})

test.group('Diffusion risks: quality', () => {
  test('an archive of poor quality: replace it or accept any quality', ({ assert }) => {
    const found = diffusionRisk(facts({ archives: [bad] }), STATION, NOW)!
    assert.equal(found.kind, 'poor_quality')
    assert.equal(found.problem, 'archive of poor quality: hiss.mp3')
    assert.equal(found.todo, 'replace it or mark the program to accept any quality')
  })

  test('one poor part among good ones airs too: still a risk, naming the poor ones', ({
    assert,
  }) => {
    const found = diffusionRisk(
      facts({ archives: [good, bad, { name: 'b.mp3', isGoodQuality: false }] }),
      STATION,
      NOW
    )!
    assert.equal(found.problem, 'archive of poor quality: hiss.mp3, b.mp3')
  })

  test('a program that accepts any quality is not at risk for it', ({ assert }) => {
    assert.isNull(kindOf(facts({ archives: [bad], program: { acceptAnyQuality: true } })))
  })

  test("a rerun's poor archive (its initial's episode) is a quality risk, whatever its initial", ({
    assert,
  }) => {
    assert.equal(
      kindOf(facts({ archives: [bad], initial: initial({ type: 'cancel' }) })),
      'poor_quality'
    )
  })
})

test.group('Diffusion risks: a rerun', () => {
  test('with an archive: no risk, even when its initial was cancelled', ({ assert }) => {
    assert.isNull(kindOf(facts({ archives: [good], initial: initial({ type: 'cancel' }) })))
    assert.isNull(kindOf(facts({ archives: [good], initial: initial({ wentLive: true }) })))
  })

  test('of a cancelled diffusion, past or to come: cancel it or give it an archive', ({
    assert,
  }) => {
    for (const i of [initial({ type: 'cancel' }), upcoming({ type: 'cancel' })]) {
      const found = diffusionRisk(facts({ initial: i }), STATION, NOW)!
      assert.equal(found.kind, 'rerun_of_cancelled')
      assert.equal(found.todo, 'cancel the rerun or give it an archive')
    }
  })

  test('of a diffusion that ended unconfirmed: as good as cancelled; to come, it may still be', ({
    assert,
  }) => {
    const found = diffusionRisk(facts({ initial: initial({ type: 'unconfirmed' }) }), STATION, NOW)!
    assert.equal(found.kind, 'rerun_of_cancelled')
    assert.equal(found.reason, 'initial_unconfirmed')
    assert.equal(
      kindOf(facts({ initial: upcoming({ type: 'unconfirmed' }) })),
      'no_archive_rerun',
      'judged as any initial to come'
    )
  })

  test('of a live show that is over and not recorded, the station recording nothing', ({
    assert,
  }) => {
    const found = diffusionRisk(
      facts({ initial: initial({ wentLive: true }) }),
      { ...STATION, recordsLive: false },
      NOW
    )!
    assert.equal(found.kind, 'rerun_of_unrecorded_live')
    assert.equal(found.reason, 'live_not_recorded')
    // The initial's time in the station's zone: 20:00 UTC is 21:00 in Brussels.
    assert.equal(found.problem, 'rerun of a live show that was not recorded (2030-03-09 21:00)')
    assert.equal(found.todo, 'record it (station live recording is off) or upload an archive')
  })

  test('of a live show that is over, the station recording, but no archive came of it', ({
    assert,
  }) => {
    const found = diffusionRisk(facts({ initial: initial({ wentLive: true }) }), STATION, NOW)!
    assert.equal(found.kind, 'rerun_of_unrecorded_live')
    assert.equal(found.reason, 'live_recording_missing')
  })

  test('of a live show to come at a station that records: fine, it will be recorded', ({
    assert,
  }) => {
    assert.isNull(kindOf(facts({ initial: upcoming(), program: { liveRecently: true } })))
    assert.isNull(kindOf(facts({ initial: upcoming({ wentLive: true }) })), 'on air live now')
  })

  test('of a live show to come at a station that does not record: at risk', ({ assert }) => {
    const station = { ...STATION, recordsLive: false }
    const found = diffusionRisk(
      facts({ initial: upcoming(), program: { liveRecently: true } }),
      station,
      NOW
    )!
    assert.equal(found.kind, 'rerun_of_unrecorded_live')
    assert.equal(found.reason, 'live_recording_off')
    assert.equal(found.todo, 'record it (station live recording is off) or upload an archive')
  })

  test('on air right now, live: judged as to come (its recording is not over)', ({ assert }) => {
    const now = initial({ start: NOW.minus({ minutes: 10 }), end: NOW.plus({ minutes: 50 }) })
    assert.isNull(kindOf(facts({ initial: { ...now, wentLive: true } })))
    assert.equal(
      kindOf(facts({ initial: { ...now, wentLive: true } }), { ...STATION, recordsLive: false }),
      'live_recording_off'
    )
  })

  test('an initial that ends exactly now is over', ({ assert }) => {
    const ended = initial({ start: NOW.minus({ hours: 1 }), end: NOW, wentLive: true })
    assert.equal(kindOf(facts({ initial: ended })), 'live_recording_missing')
  })

  test('of an initial that was not live and left no archive: upload it', ({ assert }) => {
    const found = diffusionRisk(facts({ initial: initial() }), STATION, NOW)!
    assert.equal(found.kind, 'no_archive')
    assert.equal(found.reason, 'no_archive_rerun')
    assert.equal(
      found.problem,
      'rerun with no archive, and its initial (2030-03-09 21:00) is not a live show'
    )
  })

  test('of an initial to come whose program is not live: upload it', ({ assert }) => {
    assert.equal(kindOf(facts({ initial: upcoming() })), 'no_archive_rerun')
  })

  test('of a past live show, a live program recently does not make up for the missing archive', ({
    assert,
  }) => {
    assert.equal(
      kindOf(facts({ initial: initial(), program: { liveRecently: true } })),
      'no_archive_rerun',
      'the initial itself did not go live'
    )
  })
})
