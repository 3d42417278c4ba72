import { test } from '@japa/runner'
import {
  MonitorRules,
  CUE_RETRY_MS,
  runTime,
  streamTitle,
  type CatalogView,
  type MonitorCommand,
  type Outcome,
} from '#streamer/monitor_rules'
import type { OnAirStatus } from '#streamer/on_air_status'
import type { CatalogDiffusion, CatalogSound } from '#streamer/station_catalog'

/** A fake clock: 2027-03-01 12:00 UTC, moved by hand. */
const T0 = Date.UTC(2027, 2, 1, 12)
const s = (seconds: number) => T0 + seconds * 1000

function sound(
  id: number,
  path: string,
  duration: number | null,
  tracks: CatalogSound['tracks'] = [],
  episodeId: number | null = null
): CatalogSound {
  return {
    id,
    path,
    episodeId,
    duration,
    loudness: null,
    truePeak: null,
    name: path,
    title: null,
    artist: null,
    cover: null,
    tracks,
  }
}

function diffusion(
  id: number,
  start: number,
  seconds: number,
  archives: CatalogSound[],
  startedAt: number | null = null,
  stoppedAt: number | null = null
): CatalogDiffusion {
  return {
    id,
    episodeId: id * 10,
    title: `Episode ${id}`,
    program: 'Show',
    start,
    end: start + seconds * 1000,
    archives,
    startedAt,
    stoppedAt,
  }
}

function catalog(diffusions: CatalogDiffusion[], sounds: CatalogSound[] = []): CatalogView {
  const view: CatalogView = {
    diffusions,
    sounds: new Map(sounds.map((x) => [x.path, x])),
    diffusion: (id) => view.diffusions.find((d) => d.id === id),
    diffusionOfEpisodeAt: (episodeId, at) =>
      view.diffusions.find(
        (d) => d.episodeId === episodeId && d.start <= at + 60_000 && at < d.end
      ),
    running: (at) => view.diffusions.filter((d) => d.start <= at && at < d.end),
    forget: (id) => (view.diffusions = view.diffusions.filter((d) => d.id !== id)),
  }
  return view
}

/** Liquidsoap's answer: a process started at T0, playing the rotation unless told otherwise. */
function status(now: number, over: Partial<OnAirStatus> = {}): OnAirStatus {
  return {
    started: T0,
    now,
    active: 'music',
    rid: '',
    source: '',
    uri: '',
    filename: '',
    firstOnAir: null,
    diffusionId: null,
    resumed: false,
    remaining: null,
    dealerQueue: 0,
    dealerGate: 0,
    live: false,
    liveUser: '',
    liveSilent: false,
    recording: '',
    outputs: {},
    blankSince: 0,
    held: false,
    leaseUntil: Infinity,
    ...over,
  }
}

const rules = () =>
  new MonitorRules({ stationId: 1, cancelTimeoutMs: 20 * 60_000, cueLeadMs: 10_000 })
const kinds = (outcome: Outcome) => outcome.commands.map((c) => c.kind)
const logTypes = (outcome: Outcome) =>
  outcome.entries.map((e) => (e.op === 'log' ? e.row.type : 'cancel!'))
const queue = (outcome: Outcome) =>
  outcome.commands.find((c): c is Extract<MonitorCommand, { kind: 'queue' }> => c.kind === 'queue')

/** One whole tick as the monitor runs it, every queue accepted unless `refused`. */
function tick(
  monitor: MonitorRules,
  view: CatalogView,
  st: OnAirStatus,
  now: number,
  refused: string[] = []
) {
  const observed = monitor.observe(st, view, now)
  const settled = observed.commands.flatMap((c) =>
    c.kind === 'queue'
      ? [
          monitor.settle(
            c,
            c.sounds.map((x) => x.path).filter((p) => refused.includes(p)),
            now
          ),
        ]
      : []
  )
  const concluded = monitor.conclude(st, view, now)
  return { observed, settled, concluded, all: [observed, ...settled, concluded] }
}

test.group('Monitor rules: cue and start', () => {
  test('a diffusion is queued behind the gate its cue lead ahead of its start, once', ({
    assert,
  }) => {
    const monitor = rules()
    const show = diffusion(1, s(60), 30, [sound(5, '/show.mp3', 30)])
    const view = catalog([show])
    assert.isUndefined(queue(tick(monitor, view, status(s(49)), s(49)).observed))
    const cue = queue(tick(monitor, view, status(s(50)), s(50)).observed)!
    assert.deepInclude(cue, { purpose: 'cue', diffusionId: 1, gate: s(60) })
    assert.deepEqual(
      cue.sounds.map((x) => x.path),
      ['/show.mp3']
    )
    assert.isUndefined(queue(tick(monitor, view, status(s(51)), s(51)).observed))
  })

  test('nothing is cued while the dealer plays or has a queue', ({ assert }) => {
    const monitor = rules()
    const view = catalog([diffusion(1, s(5), 30, [sound(5, '/show.mp3', 30)])])
    assert.isUndefined(queue(tick(monitor, view, status(s(0), { dealerQueue: 1 }), s(0)).observed))
    assert.isUndefined(
      queue(tick(monitor, view, status(s(0), { active: 'dealer' }), s(0)).observed)
    )
  })

  test('a diffusion found late within the timeout starts at once', ({ assert }) => {
    const cue = queue(
      tick(
        rules(),
        catalog([diffusion(1, s(-300), 3600, [sound(5, '/show.mp3', 3600)])]),
        status(s(0)),
        s(0)
      ).observed
    )!
    assert.equal(cue.gate, s(0))
  })

  test('its first frame on air is the start: logged once, at the time the script saw, with its delay', ({
    assert,
  }) => {
    const monitor = rules()
    const show = diffusion(1, s(60), 30, [sound(5, '/show.mp3', 30)])
    const view = catalog([show], show.archives)
    const onAir = status(s(61), {
      active: 'dealer',
      diffusionId: 1,
      rid: '4',
      filename: '/show.mp3',
      firstOnAir: s(60.02),
      source: 'dealer',
    })
    const first = tick(monitor, view, onAir, s(61))
    assert.deepEqual(logTypes(first.observed), ['on_air', 'start'])
    const start = first.observed.entries[1]
    assert.equal(start.op === 'log' && start.row.date, s(60.02))
    const started = first.observed.events.find((e) => e.type === 'diffusion_started')!
    assert.equal(started.payload.delay_ms, 20)
    assert.notExists(first.observed.events.find((e) => e.type === 'diffusion_late'))
    assert.deepEqual(tick(monitor, view, { ...onAir, now: s(62) }, s(62)).observed.entries, [])
  })

  test('a start more than 5 s late is also reported late, once', ({ assert }) => {
    const monitor = rules()
    const view = catalog([diffusion(1, s(0), 30, [sound(5, '/show.mp3', 30)])])
    const late = tick(
      monitor,
      view,
      status(s(9), {
        active: 'dealer',
        diffusionId: 1,
        rid: '4',
        filename: '/show.mp3',
        firstOnAir: s(8),
      }),
      s(9)
    )
    assert.deepInclude(late.observed.events.find((e) => e.type === 'diffusion_late')!.payload, {
      late_ms: 8000,
      started: true,
    })
  })

  test('a live show starts when the live input goes on air during a diffusion without archives', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(2, s(-10), 3600, [])])
    const outcome = tick(monitor, view, status(s(0), { active: 'live', live: true }), s(0))
    assert.deepEqual(logTypes(outcome.observed), ['start'])
    assert.equal(outcome.observed.events[0].payload.source, 'live')
  })
})

test.group('Monitor rules: late, refused and cancelled', () => {
  test('a diffusion not on air a minute after its start is reported late once, then cancelled at the timeout', ({
    assert,
  }) => {
    const monitor = rules()
    // No archives: nothing to cue, the live show never came.
    const view = catalog([diffusion(1, s(0), 3600, [])])
    assert.deepEqual(tick(monitor, view, status(s(59)), s(59)).concluded.events, [])
    const late = tick(monitor, view, status(s(60)), s(60)).concluded
    assert.deepEqual(
      late.events.map((e) => e.type),
      ['diffusion_late']
    )
    assert.deepEqual(tick(monitor, view, status(s(61)), s(61)).concluded.events, [])
    const cancelled = tick(monitor, view, status(s(1200)), s(1200)).concluded
    assert.deepEqual(
      cancelled.entries.map((e) => e.op),
      ['cancel', 'log']
    )
    assert.deepEqual(logTypes(cancelled), ['cancel!', 'cancel'])
    assert.deepEqual(
      cancelled.events.map((e) => e.type),
      ['diffusion_cancelled']
    )
    assert.lengthOf(view.diffusions, 0)
  })

  test('a cue Liquidsoap refuses entirely is logged, tried again 30 s later, and cancelled at the timeout', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(1, s(0), 3600, [sound(5, '/corrupt.mp3', 3600)])])
    const first = tick(monitor, view, status(s(0)), s(0), ['/corrupt.mp3'])
    assert.deepEqual(logTypes(first.settled[0]), ['other'])
    assert.isUndefined(queue(tick(monitor, view, status(s(10)), s(10), ['/corrupt.mp3']).observed))
    assert.isDefined(
      queue(
        tick(monitor, view, status(s(CUE_RETRY_MS / 1000)), s(CUE_RETRY_MS / 1000), [
          '/corrupt.mp3',
        ]).observed
      )
    )
    const timeout = tick(monitor, view, status(s(1200)), s(1200), ['/corrupt.mp3'])
    assert.include(logTypes(timeout.concluded), 'cancel')
  })

  test('a diffusion is never cancelled in the tick that queued it', ({ assert }) => {
    const monitor = rules()
    const view = catalog([diffusion(1, s(-1199.5), 3600, [sound(5, '/show.mp3', 3600)])])
    const outcome = tick(monitor, view, status(s(0.4)), s(0.4))
    assert.isDefined(queue(outcome.observed))
    assert.notInclude(logTypes(outcome.concluded), 'cancel')
  })
})

test.group('Monitor rules: restarts, resume and adoption', () => {
  test('a new Liquidsoap mid-diffusion gets it back at its offset, and only then the rotation', ({
    assert,
  }) => {
    const monitor = rules()
    const archives = [sound(5, '/part1.mp3', 600), sound(6, '/part2.mp3', 600)]
    const view = catalog([diffusion(1, s(-700), 1300, archives, s(-700))], archives)
    tick(monitor, view, status(s(-1)), s(-1))
    // Killed and restarted: a new process start, its rotation held.
    const restarted = tick(
      monitor,
      view,
      status(s(0), { started: s(-2), held: true, active: 'none' }),
      s(0)
    )
    assert.deepEqual(kinds(restarted.observed), ['queue', 'release'])
    const resume = queue(restarted.observed)!
    assert.deepInclude(resume, {
      purpose: 'resume',
      diffusionId: 1,
      gate: s(0),
      resumeAt: { index: 1, offset: 100 },
    })
    assert.deepEqual(resume.first, { liq_cue_in: '100.000', antenne_resume: 1 })
    assert.deepEqual(
      resume.sounds.map((x) => x.path),
      ['/part2.mp3']
    )
    assert.include(
      restarted.observed.notes.map((n) => n.message),
      'Liquidsoap restarted'
    )
    // The resumed sound on air is not a new airing: nothing logged.
    const back = tick(
      monitor,
      view,
      status(s(1), {
        started: s(-2),
        active: 'dealer',
        rid: '1',
        filename: '/part2.mp3',
        diffusionId: 1,
        resumed: true,
        firstOnAir: s(0.5),
      }),
      s(1)
    )
    assert.deepEqual(
      back.all.flatMap((o) => o.entries),
      []
    )
  })

  test('a restart with no diffusion to resume releases the rotation at once', ({ assert }) => {
    const monitor = rules()
    const outcome = tick(monitor, catalog([]), status(s(0), { held: true }), s(0))
    assert.deepEqual(kinds(outcome.observed), ['release'])
  })

  test('a diffusion whose sounds are over is not resumed', ({ assert }) => {
    const monitor = rules()
    const archives = [sound(5, '/short.mp3', 60)]
    const view = catalog([diffusion(1, s(-100), 120, archives, s(-100))], archives)
    assert.deepEqual(
      kinds(tick(monitor, view, status(s(0), { started: s(-1) }), s(0)).observed),
      []
    )
  })

  test('an airing already in the logs (a monitor restarted or adopting) is not logged again; its logged tracks are dropped', ({
    assert,
  }) => {
    const monitor = rules()
    const song = sound(7, '/song.mp3', 200, [{ id: 70, timestamp: 10, title: 'A', artist: null }])
    monitor.lastLogged = { date: s(-30), path: '/song.mp3' }
    const outcome = tick(
      monitor,
      catalog([], [song]),
      status(s(0), { rid: '3', filename: '/song.mp3', firstOnAir: s(-29.5) }),
      s(0)
    )
    assert.deepEqual(
      outcome.all.flatMap((o) => o.entries),
      []
    )
    assert.deepEqual(outcome.observed.commands, [{ kind: 'drop_logged_tracks', since: s(-29.5) }])
    monitor.dropLoggedTracks(new Set([70]))
    assert.deepEqual(
      tick(
        monitor,
        catalog([], [song]),
        status(s(1), { rid: '3', filename: '/song.mp3', firstOnAir: s(-29.5) }),
        s(1)
      ).observed.entries,
      []
    )
  })

  test('after a monitor restart, a track the old monitor did not reach is logged once the logs have answered', ({
    assert,
  }) => {
    const monitor = rules()
    const song = sound(7, '/song.mp3', 200, [
      { id: 70, timestamp: 10, title: 'A', artist: null },
      { id: 71, timestamp: 25, title: 'B', artist: null },
    ])
    monitor.lastLogged = { date: s(-30), path: '/song.mp3' }
    const playing = status(s(0), { rid: '3', filename: '/song.mp3', firstOnAir: s(-30) })
    tick(monitor, catalog([], [song]), playing, s(0))
    monitor.dropLoggedTracks(new Set([70]))
    const next = tick(monitor, catalog([], [song]), { ...playing, now: s(0.2) }, s(0.2)).observed
    assert.deepEqual(
      next.entries.map((e) => e.op === 'log' && [e.row.trackId, e.row.date]),
      [[71, s(-5)]]
    )
  })
})

test.group('Monitor rules: stop, once, when a diffusion really ended', () => {
  const stops = (outcomes: Outcome[]) =>
    outcomes
      .flatMap((o) => o.entries)
      .flatMap((e) =>
        e.op === 'log' && e.row.type === 'stop'
          ? [[e.row.diffusionId, e.row.source, e.row.date, e.row.comment]]
          : []
      )
  /** The dealer playing diffusion `id`'s request `rid` (process started at T0 unless told). */
  const dealer = (now: number, id: number, rid: string, file: string, over = {}) =>
    status(now, {
      active: 'dealer',
      diffusionId: id,
      rid,
      filename: file,
      source: 'dealer',
      ...over,
    })
  const rotation = (now: number, rid: string, firstOnAir: number, over = {}) =>
    status(now, { rid, filename: '/song.mp3', firstOnAir, source: 'rotation', ...over })

  test('how long a diffusion ran reads h:mm:ss', ({ assert }) => {
    assert.equal(runTime(4_400), '0:00:04')
    assert.equal(runTime(3_725_000), '1:02:05')
    assert.equal(runTime(-5), '0:00:00')
  })

  test("a dealer diffusion's sounds ending is its stop: once, at the frame the rotation came back, with how long it ran", ({
    assert,
  }) => {
    const monitor = rules()
    const show = diffusion(1, s(0), 60, [sound(5, '/show.mp3', 30)])
    const view = catalog([show], [...show.archives, sound(9, '/song.mp3', 200)])
    const first = tick(
      monitor,
      view,
      dealer(s(1), 1, '4', '/show.mp3', { firstOnAir: s(0.05) }),
      s(1)
    )
    assert.deepEqual(logTypes(first.observed), ['on_air', 'start'])
    assert.deepEqual(stops(tick(monitor, view, dealer(s(29), 1, '4', '/show.mp3'), s(29)).all), [])
    const ended = tick(monitor, view, rotation(s(30.6), '5', s(30.1)), s(30.6))
    // Stopped before what came next is logged.
    assert.deepEqual(logTypes(ended.observed), ['stop', 'on_air'])
    assert.deepEqual(stops(ended.all), [[1, 'dealer', s(30.1), 'ran 0:00:30']])
    assert.equal(show.stoppedAt, s(30.1))
    assert.deepEqual(stops(tick(monitor, view, rotation(s(31), '5', s(30.1)), s(31)).all), [])
    assert.deepEqual(stops(tick(monitor, view, rotation(s(90), '5', s(30.1)), s(90)).all), [])
  })

  test('a dealer diffusion that leaves for silence stops when the tick sees it gone', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(1, s(0), 60, [sound(5, '/show.mp3', 30)])])
    tick(monitor, view, dealer(s(1), 1, '4', '/show.mp3', { firstOnAir: s(0) }), s(1))
    // Liquidsoap's current request is still the diffusion's last one: its time says nothing.
    const silent = status(s(31), { active: 'none', diffusionId: 1, rid: '4', firstOnAir: s(0) })
    assert.deepEqual(stops(tick(monitor, view, silent, s(31)).all), [
      [1, 'dealer', s(31), 'ran 0:00:31'],
    ])
  })

  test('no stop between the sounds of a diffusion, nor while the live input overrides the dealer', ({
    assert,
  }) => {
    const monitor = rules()
    const archives = [sound(5, '/one.mp3', 20), sound(6, '/two.mp3', 20)]
    const view = catalog([diffusion(1, s(0), 60, archives)], archives)
    const seen = [
      tick(
        monitor,
        view,
        dealer(s(1), 1, '4', '/one.mp3', { firstOnAir: s(0), dealerQueue: 1 }),
        s(1)
      ),
      tick(monitor, view, dealer(s(21), 1, '5', '/two.mp3', { firstOnAir: s(20) }), s(21)),
      tick(monitor, view, status(s(25), { active: 'live', live: true, rid: '5' }), s(25)),
      tick(monitor, view, dealer(s(30), 1, '5', '/two.mp3', { firstOnAir: s(20) }), s(30)),
    ]
    assert.deepEqual(stops(seen.flatMap((t) => t.all)), [])
    assert.deepEqual(stops(tick(monitor, view, rotation(s(46), '6', s(45.5)), s(46)).all), [
      [1, 'dealer', s(45.5), 'ran 0:00:46'],
    ])
  })

  test('the next diffusion on the dealer stops the one before at its first frame', ({ assert }) => {
    const monitor = rules()
    const view = catalog([
      diffusion(1, s(0), 30, [sound(5, '/one.mp3', 30)]),
      diffusion(2, s(30), 30, [sound(6, '/two.mp3', 30)]),
    ])
    tick(monitor, view, dealer(s(1), 1, '4', '/one.mp3', { firstOnAir: s(0) }), s(1))
    const next = tick(
      monitor,
      view,
      dealer(s(31), 2, '5', '/two.mp3', { firstOnAir: s(30) }),
      s(31)
    )
    assert.deepEqual(logTypes(next.observed), ['stop', 'on_air', 'start'])
    assert.deepEqual(stops(next.all), [[1, 'dealer', s(30), 'ran 0:00:30']])
  })

  test('Liquidsoap killed mid-diffusion is no stop: resumed, the diffusion stops when its sounds end', ({
    assert,
  }) => {
    const monitor = rules()
    const archives = [sound(5, '/part1.mp3', 600), sound(6, '/part2.mp3', 600)]
    const show = diffusion(1, s(-700), 1300, archives, s(-700))
    const view = catalog([show], archives)
    tick(monitor, view, dealer(s(-1), 1, '7', '/part2.mp3', { firstOnAir: s(-100) }), s(-1))
    // The dealer left the air with the process: no stop, the diffusion is resumed.
    const restarted = tick(
      monitor,
      view,
      status(s(0), { started: s(-2), held: true, active: 'none' }),
      s(0)
    )
    assert.equal(queue(restarted.observed)?.diffusionId, 1)
    // Neither does the dealer seen empty before the resumed sound is on air.
    const resuming = [
      restarted,
      tick(
        monitor,
        view,
        status(s(0.5), { started: s(-2), active: 'none', dealerQueue: 1 }),
        s(0.5)
      ),
      tick(monitor, view, status(s(0.7), { started: s(-2), active: 'none' }), s(0.7)),
      tick(
        monitor,
        view,
        dealer(s(1), 1, '1', '/part2.mp3', { started: s(-2), resumed: true, firstOnAir: s(0.6) }),
        s(1)
      ),
    ]
    assert.deepEqual(
      resuming.flatMap((t) => t.all).flatMap((o) => o.entries),
      []
    )
    const ended = tick(monitor, view, rotation(s(501), '2', s(500.4), { started: s(-2) }), s(501))
    assert.deepEqual(stops(ended.all), [[1, 'dealer', s(500.4), 'ran 0:20:00']])
  })

  test('a Liquidsoap back after the sounds were over stops the diffusion when the monitor last saw it', ({
    assert,
  }) => {
    const monitor = rules()
    const archives = [sound(5, '/short.mp3', 60)]
    const view = catalog([diffusion(1, s(-100), 120, archives, s(-100))], archives)
    tick(monitor, view, dealer(s(-41), 1, '4', '/short.mp3', { firstOnAir: s(-100) }), s(-41))
    const restarted = tick(monitor, view, status(s(0), { started: s(-1) }), s(0))
    assert.isUndefined(queue(restarted.observed))
    assert.deepEqual(stops(restarted.all), [[1, 'dealer', s(-41), 'ran 0:00:59']])
  })

  test('a resume that never reaches the air stops the diffusion once its sounds would be over, at the last time it was seen', ({
    assert,
  }) => {
    const monitor = rules()
    const archives = [sound(5, '/show.mp3', 100)]
    const view = catalog([diffusion(1, s(-50), 200, archives, s(-50))], archives)
    tick(monitor, view, dealer(s(-1), 1, '4', '/show.mp3', { firstOnAir: s(-50) }), s(-1))
    // Liquidsoap refuses the file now: the rotation plays, and the diffusion is not over yet.
    const refused = tick(monitor, view, status(s(0), { started: s(-1), held: true }), s(0), [
      '/show.mp3',
    ])
    const waiting = [
      refused,
      tick(monitor, view, rotation(s(5), '1', s(4.5), { started: s(-1) }), s(5)),
      tick(monitor, view, rotation(s(48), '1', s(4.5), { started: s(-1) }), s(48)),
    ]
    assert.deepEqual(stops(waiting.flatMap((t) => t.all)), [])
    assert.deepEqual(
      stops(tick(monitor, view, rotation(s(49.5), '1', s(4.5), { started: s(-1) }), s(49.5)).all),
      [[1, 'dealer', s(-1), 'ran 0:00:49']]
    )
  })

  test('after a Liquidsoap restart, another diffusion on the dealer stops the one before', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([
      diffusion(1, s(-50), 200, [sound(5, '/one.mp3', 100)], s(-50)),
      diffusion(2, s(0), 200, [sound(6, '/two.mp3', 100)]),
    ])
    tick(monitor, view, dealer(s(-1), 1, '4', '/one.mp3', { firstOnAir: s(-50) }), s(-1))
    const other = dealer(s(1), 2, '1', '/two.mp3', { started: s(0.5), firstOnAir: s(0.9) })
    const outcome = tick(monitor, view, other, s(1))
    assert.deepEqual(stops(outcome.all), [[1, 'dealer', s(-1), 'ran 0:00:49']])
    assert.include(logTypes(outcome.observed), 'start')
  })

  test('a restarted monitor stops a diffusion still on air once, and never one already stopped', ({
    assert,
  }) => {
    const archives = [sound(5, '/show.mp3', 30)]
    // Adopting a Liquidsoap that plays a diffusion started in the logs: it is followed, and stopped.
    const adopting = rules()
    adopting.lastLogged = { date: s(-10), path: '/show.mp3' }
    const airing = diffusion(1, s(-10), 60, archives, s(-10))
    const view = catalog([airing], archives)
    const playing = dealer(s(0), 1, '4', '/show.mp3', { firstOnAir: s(-10) })
    assert.deepEqual(
      tick(adopting, view, playing, s(0)).all.flatMap((o) => o.entries),
      []
    )
    assert.deepEqual(stops(tick(adopting, view, rotation(s(21), '5', s(20)), s(21)).all), [
      [1, 'dealer', s(20), 'ran 0:00:30'],
    ])
    // Restarted again: the stop is in the logs (the catalog says so), and nothing is written twice.
    const again = rules()
    const reloaded = catalog([diffusion(1, s(-10), 60, archives, s(-10), s(20))], archives)
    const after = [
      tick(again, reloaded, rotation(s(22), '5', s(20)), s(22)),
      tick(again, reloaded, status(s(23), { started: s(22), held: true }), s(23)),
      tick(again, reloaded, status(s(90), { started: s(22) }), s(90)),
    ]
    assert.deepEqual(stops(after.flatMap((t) => t.all)), [])
    // Nor is a stopped diffusion resumed by a new Liquidsoap.
    assert.isUndefined(queue(after[1].observed))
  })

  test('a diffusion deleted or cancelled while on air gets no stop', ({ assert }) => {
    const monitor = rules()
    const view = catalog([diffusion(1, s(0), 60, [sound(5, '/show.mp3', 30)])])
    tick(monitor, view, dealer(s(1), 1, '4', '/show.mp3', { firstOnAir: s(0) }), s(1))
    view.forget(1)
    assert.deepEqual(stops(tick(monitor, view, rotation(s(31), '5', s(30)), s(31)).all), [])
  })

  // A live show has one start and one stop, as a dealer diffusion: the stop is
  // when the studio last left the air during its slot, so a studio that drops
  // and comes back (a glitch, a Liquidsoap restart) is one show, not several.
  test('a live show stops when the live input last left the air, written once its slot is over', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(2, s(-10), 3600, [])])
    const live = status(s(0), { active: 'live', live: true })
    assert.deepEqual(logTypes(tick(monitor, view, live, s(0)).observed), ['start'])
    const during = [
      tick(monitor, view, status(s(600)), s(600)),
      tick(monitor, view, { ...live, now: s(700) }, s(700)),
      tick(monitor, view, status(s(3000)), s(3000)),
      tick(monitor, view, status(s(3589)), s(3589)),
    ]
    assert.deepEqual(stops(during.flatMap((t) => t.all)), [])
    assert.deepEqual(stops(tick(monitor, view, status(s(3590)), s(3590)).all), [
      [2, 'live', s(3000), 'ran 0:50:00'],
    ])
    assert.deepEqual(stops(tick(monitor, view, status(s(3600)), s(3600)).all), [])
  })

  test('a live show running over its slot stops when the live input leaves', ({ assert }) => {
    const monitor = rules()
    const view = catalog([diffusion(2, s(-10), 60, [])])
    const live = status(s(0), { active: 'live', live: true })
    tick(monitor, view, live, s(0))
    assert.deepEqual(stops(tick(monitor, view, { ...live, now: s(80) }, s(80)).all), [])
    assert.deepEqual(stops(tick(monitor, view, status(s(95)), s(95)).all), [
      [2, 'live', s(95), 'ran 0:01:35'],
    ])
  })

  test('the next live show on the same live input stops the one before at its start', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(2, s(-10), 60, []), diffusion(3, s(50), 3600, [])])
    const live = status(s(0), { active: 'live', live: true })
    tick(monitor, view, live, s(0))
    const next = tick(monitor, view, { ...live, now: s(50) }, s(50))
    assert.deepEqual(logTypes(next.observed), ['stop', 'start'])
    assert.deepEqual(stops(next.all), [[2, 'live', s(50), 'ran 0:00:50']])
  })

  test('a Liquidsoap restart during a live show is no stop when the studio is back within the slot', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(2, s(-10), 60, [])])
    tick(monitor, view, status(s(0), { active: 'live', live: true }), s(0))
    const restart = [
      tick(monitor, view, status(s(10), { started: s(9), held: true, active: 'none' }), s(10)),
      tick(monitor, view, status(s(12), { started: s(9), active: 'music' }), s(12)),
      tick(monitor, view, status(s(20), { started: s(9), active: 'live', live: true }), s(20)),
      tick(monitor, view, status(s(60), { started: s(9), active: 'live', live: true }), s(60)),
    ]
    assert.deepEqual(stops(restart.flatMap((t) => t.all)), [])
    assert.deepEqual(stops(tick(monitor, view, status(s(61), { started: s(9) }), s(61)).all), [
      [2, 'live', s(61), 'ran 0:01:01'],
    ])
  })

  test('a restarted monitor stops a live show it finds off air at its first look, and never one already stopped', ({
    assert,
  }) => {
    const fresh = rules()
    const view = catalog([diffusion(2, s(-100), 200, [], s(-100))])
    tick(fresh, view, status(s(0)), s(0))
    assert.deepEqual(stops(tick(fresh, view, status(s(100)), s(100)).all), [
      [2, 'live', s(0), 'ran 0:01:40'],
    ])
    const again = rules()
    const stopped = catalog([diffusion(2, s(-100), 200, [], s(-100), s(0))])
    const after = [
      tick(again, stopped, status(s(50), { active: 'live', live: true }), s(50)),
      tick(again, stopped, status(s(100)), s(100)),
    ]
    assert.deepEqual(
      after.flatMap((t) => t.all).flatMap((o) => o.entries),
      []
    )
  })
})

test.group('Monitor rules: sounds, tracks and transitions', () => {
  test('a sound is logged once per airing; a track interrupted and resumed is not a new airing', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([], [sound(7, '/song.mp3', 200)])
    const song = status(s(0), {
      rid: '3',
      filename: '/song.mp3',
      firstOnAir: s(0),
      source: 'rotation',
    })
    const first = tick(monitor, view, song, s(0)).observed
    assert.deepEqual(logTypes(first), ['on_air'])
    assert.deepEqual(
      first.events.map((e) => e.type),
      ['sound_on_air']
    )
    assert.deepEqual(tick(monitor, view, { ...song, now: s(1) }, s(1)).observed.entries, [])
    tick(monitor, view, status(s(2), { rid: '4', filename: '/other.mp3', firstOnAir: s(2) }), s(2))
    assert.deepEqual(tick(monitor, view, { ...song, now: s(3) }, s(3)).observed.entries, [])
  })

  test('timestamped tracks are logged at air time + timestamp as the clock passes them', ({
    assert,
  }) => {
    const monitor = rules()
    const mix = sound(8, '/mix.mp3', 300, [
      { id: 81, timestamp: 0, title: 'One', artist: 'X' },
      { id: 82, timestamp: 90, title: 'Two', artist: null },
    ])
    const view = catalog([], [mix])
    const playing = status(s(0), { rid: '5', filename: '/mix.mp3', firstOnAir: s(0) })
    const start = tick(monitor, view, playing, s(0)).observed
    assert.deepEqual(
      start.entries.map((e) => e.op === 'log' && [e.row.trackId ?? null, e.row.date]),
      [
        [null, s(0)],
        [81, s(0)],
      ]
    )
    assert.deepEqual(tick(monitor, view, { ...playing, now: s(89) }, s(89)).observed.entries, [])
    const second = tick(monitor, view, { ...playing, now: s(90.5) }, s(90.5)).observed
    assert.deepEqual(
      second.entries.map((e) => e.op === 'log' && [e.row.trackId, e.row.date, e.row.comment]),
      [[82, s(90), 'Two']]
    )
  })

  test('dead air is told once per silence and has the playlists repaired', ({ assert }) => {
    const monitor = rules()
    const view = catalog([])
    const silent = status(s(0), { active: 'none', blankSince: s(-20) })
    const first = tick(monitor, view, silent, s(0)).concluded
    assert.deepEqual(
      first.events.map((e) => e.type),
      ['dead_air']
    )
    assert.deepEqual(kinds(first), ['repair_playlists'])
    assert.deepEqual(tick(monitor, view, { ...silent, now: s(1) }, s(1)).concluded.commands, [])
    tick(monitor, view, status(s(2)), s(2))
    assert.deepEqual(
      tick(monitor, view, status(s(30), { blankSince: s(25) }), s(30)).concluded.events.map(
        (e) => e.type
      ),
      ['dead_air']
    )
  })

  test('a restarted Liquidsoap whose outputs are still connecting is no output going down', ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([])
    tick(monitor, view, status(s(0), { outputs: { output_1: true } }), s(0))
    const restarted = tick(
      monitor,
      view,
      status(s(3), { started: s(2), outputs: { output_1: false } }),
      s(3)
    ).concluded
    assert.deepEqual(restarted.events, [])
    const lost = tick(
      monitor,
      view,
      status(s(9), { started: s(2), outputs: { output_1: true } }),
      s(9)
    ).concluded
    assert.deepEqual(lost.events, [])
    assert.deepEqual(
      tick(
        monitor,
        view,
        status(s(10), { started: s(2), outputs: { output_1: false } }),
        s(10)
      ).concluded.events.map((e) => e.type),
      ['output_down']
    )
  })

  test('live input and outputs are told when they change, not at the first look', ({ assert }) => {
    const monitor = rules()
    const view = catalog([])
    assert.deepEqual(
      tick(monitor, view, status(s(0), { outputs: { output_1: true } }), s(0)).concluded.events,
      []
    )
    const down = tick(
      monitor,
      view,
      status(s(1), { outputs: { output_1: false }, live: true }),
      s(1)
    ).concluded
    assert.deepEqual(
      down.events.map((e) => e.type),
      ['live_connected', 'output_down']
    )
    const up = tick(
      monitor,
      view,
      status(s(2), { outputs: { output_1: true }, live: false }),
      s(2)
    ).concluded
    assert.deepEqual(
      up.events.map((e) => e.type),
      ['live_disconnected', 'output_up']
    )
  })
})

test.group('Monitor rules: what players show', () => {
  const titles = (outcome: Outcome) =>
    outcome.commands.flatMap((c) => (c.kind === 'title' ? [[c.title, c.artist]] : []))

  test("a diffusion's stream title is its program and episode, on one line", ({ assert }) => {
    assert.equal(
      streamTitle({ program: 'Marée Basse', title: 'Épisode 3' }),
      'Marée Basse: Épisode 3'
    )
    assert.equal(streamTitle({ program: 'A\r\nB', title: "l'été\t" }), "A B: l'été")
  })

  test('a queued diffusion carries its title to Liquidsoap (the dealer plays it under that title)', ({
    assert,
  }) => {
    const show = diffusion(1, s(5), 30, [sound(5, '/show.mp3', 30)])
    const cue = queue(tick(rules(), catalog([show]), status(s(0)), s(0)).observed)!
    assert.equal(cue.title, 'Show: Episode 1')
  })

  test("a mix's tracks go on the stream at the time they are logged; tracks passed together put only the last", ({
    assert,
  }) => {
    const monitor = rules()
    const mix = sound(8, '/mix.mp3', 300, [
      { id: 81, timestamp: 0, title: 'One', artist: 'X' },
      { id: 82, timestamp: 90, title: 'Two', artist: null },
      { id: 83, timestamp: 100, title: 'Three', artist: 'Z' },
    ])
    const view = catalog([], [mix])
    const playing = status(s(0), { rid: '5', filename: '/mix.mp3', firstOnAir: s(0) })
    assert.deepEqual(titles(tick(monitor, view, playing, s(0)).observed), [['One', 'X']])
    assert.deepEqual(titles(tick(monitor, view, { ...playing, now: s(50) }, s(50)).observed), [])
    assert.deepEqual(titles(tick(monitor, view, { ...playing, now: s(101) }, s(101)).observed), [
      ['Three', 'Z'],
    ])
  })

  test("the live show's title goes on the stream once per connection of the live input", ({
    assert,
  }) => {
    const monitor = rules()
    const view = catalog([diffusion(2, s(-10), 3600, [])])
    const live = status(s(0), { active: 'live', live: true })
    assert.deepEqual(titles(tick(monitor, view, live, s(0)).observed), [['Show: Episode 2', null]])
    assert.deepEqual(titles(tick(monitor, view, { ...live, now: s(1) }, s(1)).observed), [])
    tick(monitor, view, status(s(2)), s(2))
    assert.deepEqual(titles(tick(monitor, view, { ...live, now: s(3) }, s(3)).observed), [
      ['Show: Episode 2', null],
    ])
  })

  test('live input outside any live show leaves the title to the studio', ({ assert }) => {
    const view = catalog([diffusion(2, s(-10), 3600, [sound(5, '/show.mp3', 3600)])])
    const outcome = tick(rules(), view, status(s(0), { active: 'live', live: true }), s(0))
    assert.deepEqual(titles(outcome.observed), [])
  })
})
