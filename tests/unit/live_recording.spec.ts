import { test } from '@japa/runner'
import {
  finalPathOf,
  LiveRecordingRules,
  partPath,
  recordingName,
  type RecordedDiffusion,
} from '#live/live_recording'

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0)
const show: RecordedDiffusion = {
  id: 5,
  start: T0,
  end: T0 + 3600_000,
  programSlug: 'morning-show',
  soundsDir: '/srv/programs/radio/morning-show',
}
const settings = { zone: 'Europe/Paris', extension: 'mp3', marginAfter: 120 }
const archive = (name: string) => `/srv/programs/radio/morning-show/archives/${name}`

test.group('Recording a live show', () => {
  test("parts are named after the diffusion's local start, as Aircox names archives", ({
    assert,
  }) => {
    assert.equal(
      recordingName(T0, 'Europe/Paris', 'morning-show', 1, 'mp3'),
      '20261207_10h00_morning-show.mp3'
    )
    assert.equal(
      recordingName(T0, 'Europe/Paris', 'morning-show', 2, 'ogg'),
      '20261207_10h00_morning-show_2.ogg'
    )
    const part = partPath(archive('20261207_10h00_morning-show.mp3'))
    assert.equal(part, archive('.20261207_10h00_morning-show.mp3.recording'))
    assert.equal(finalPathOf(part), archive('20261207_10h00_morning-show.mp3'))
    assert.isNull(finalPathOf(archive('20261207_10h00_morning-show.mp3')))
  })

  test('recorded while the source is connected; a drop and a reconnection give part 2; the slot over, both are finalized', ({
    assert,
  }) => {
    const rules = new LiveRecordingRules()
    const part1 = partPath(archive('20261207_10h00_morning-show.mp3'))
    const part2 = partPath(archive('20261207_10h00_morning-show_2.mp3'))
    // Not connected yet: nothing.
    assert.deepEqual(rules.decide({ live: false, recording: '' }, show, settings, T0), [])
    assert.deepEqual(rules.decide({ live: true, recording: '' }, show, settings, T0 + 1000), [
      { kind: 'record', path: part1, diffusionId: 5 },
    ])
    assert.deepEqual(rules.decide({ live: true, recording: part1 }, show, settings, T0 + 2000), [])
    assert.deepEqual(rules.decide({ live: false, recording: part1 }, show, settings, T0 + 3000), [
      { kind: 'stop_recording' },
    ])
    assert.deepEqual(rules.decide({ live: false, recording: '' }, show, settings, T0 + 4000), [])
    assert.deepEqual(rules.decide({ live: true, recording: '' }, show, settings, T0 + 5000), [
      { kind: 'record', path: part2, diffusionId: 5 },
    ])
    // Past the end, the host is still on until the margin: the part goes on.
    assert.deepEqual(
      rules.decide({ live: true, recording: part2 }, null, settings, show.end + 60_000),
      []
    )
    // Cut: the recording stops, and the parts are named once the pipe has drained.
    assert.deepEqual(
      rules.decide({ live: true, recording: part2 }, null, settings, show.end + 120_000),
      [{ kind: 'stop_recording' }]
    )
    assert.deepEqual(
      rules.decide({ live: false, recording: '' }, null, settings, show.end + 121_000),
      []
    )
    assert.deepEqual(
      rules.decide({ live: false, recording: '' }, null, settings, show.end + 122_000),
      [{ kind: 'finalize', parts: [part1, part2] }]
    )
    assert.isNull(rules.current)
  })

  test('a monitor restarted while part 2 records goes on from it and finalizes both', ({
    assert,
  }) => {
    const rules = new LiveRecordingRules()
    const part2 = partPath(archive('20261207_10h00_morning-show_2.mp3'))
    assert.deepEqual(
      rules.decide({ live: true, recording: part2 }, show, settings, T0 + 600_000),
      []
    )
    assert.deepEqual(
      rules.decide({ live: false, recording: part2 }, show, settings, T0 + 601_000),
      [{ kind: 'stop_recording' }]
    )
    assert.deepEqual(rules.decide({ live: true, recording: '' }, show, settings, T0 + 602_000), [
      {
        kind: 'record',
        path: partPath(archive('20261207_10h00_morning-show_3.mp3')),
        diffusionId: 5,
      },
    ])
    assert.deepEqual(
      rules.decide({ live: false, recording: '' }, null, settings, show.end + 200_000),
      []
    )
    assert.deepEqual(
      rules.decide({ live: false, recording: '' }, null, settings, show.end + 202_000),
      [
        {
          kind: 'finalize',
          parts: [1, 2, 3].map((n) =>
            partPath(archive(`20261207_10h00_morning-show${n > 1 ? `_${n}` : ''}.mp3`))
          ),
        },
      ]
    )
    assert.deepEqual(
      rules.decide({ live: false, recording: '' }, null, settings, show.end + 203_000),
      []
    )
  })

  test('the next show on air ends the previous recording; no program folder, or no show, records nothing', ({
    assert,
  }) => {
    const rules = new LiveRecordingRules()
    const part1 = partPath(archive('20261207_10h00_morning-show.mp3'))
    rules.decide({ live: true, recording: '' }, show, settings, T0)
    const next = { ...show, id: 6, start: show.end, end: show.end + 3600_000 }
    const at = show.end + 1000
    assert.deepEqual(rules.decide({ live: true, recording: part1 }, next, settings, at), [
      { kind: 'stop_recording' },
    ])
    assert.deepEqual(rules.decide({ live: true, recording: '' }, next, settings, at + 2000), [
      { kind: 'finalize', parts: [part1] },
      {
        kind: 'record',
        path: partPath(archive('20261207_11h00_morning-show.mp3')),
        diffusionId: 6,
      },
    ])
    const bare = new LiveRecordingRules()
    assert.deepEqual(bare.decide({ live: true, recording: '' }, null, settings, T0), [])
    assert.deepEqual(
      bare.decide({ live: true, recording: '' }, { ...show, soundsDir: undefined }, settings, T0),
      []
    )
  })

  test('a part Liquidsoap did not take is asked for again under the same name', ({ assert }) => {
    const rules = new LiveRecordingRules()
    const part1 = partPath(archive('20261207_10h00_morning-show.mp3'))
    const record = { kind: 'record', path: part1, diffusionId: 5 }
    assert.deepEqual(rules.decide({ live: true, recording: '' }, show, settings, T0), [record])
    rules.recordFailed(part1)
    assert.deepEqual(rules.decide({ live: true, recording: '' }, show, settings, T0 + 200), [
      record,
    ])
  })
})
