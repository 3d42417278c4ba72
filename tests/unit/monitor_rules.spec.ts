import { test } from '@japa/runner'
import {
  MonitorRules,
  CUE_RETRY_MS,
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
  startedAt: number | null = null
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
