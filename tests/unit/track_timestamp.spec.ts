import { test } from '@japa/runner'
import { MAX_TRACK_TIMESTAMP, timestampLimit, timestampProblem } from '#library/track_timestamp'
import { parseTracklistCsv } from '#library/tracklist_csv'

test.group('Track timestamps', () => {
  test('a sound bounds its timestamps by its duration, rounded up; no sound or no duration: 24 h', ({
    assert,
  }) => {
    assert.equal(timestampLimit(2700.4), 2701)
    assert.equal(timestampLimit(null), MAX_TRACK_TIMESTAMP)
    assert.equal(timestampLimit(0), MAX_TRACK_TIMESTAMP)
    assert.equal(timestampLimit(Number.NaN), MAX_TRACK_TIMESTAMP)
    assert.equal(timestampLimit(3 * 24 * 3600), MAX_TRACK_TIMESTAMP)
  })

  test('0 and the limit are inside; a fraction, a negative, 10^23 and one second past the end are not', ({
    assert,
  }) => {
    const rows = (...timestamps: Array<number | null>) =>
      timestamps.map((timestamp, i) => ({ title: `T${i + 1}`, timestamp }))
    assert.isNull(timestampProblem(rows(null, 0, 2701), 2701))
    assert.equal(
      timestampProblem(rows(0, 1.5), 2701),
      'track 2 ("T2"): a timestamp is a whole number of seconds from 0, not 1.5'
    )
    assert.equal(
      timestampProblem(rows(-1), 2701),
      'track 1 ("T1"): a timestamp is a whole number of seconds from 0, not -1'
    )
    assert.equal(
      timestampProblem(rows(0, 2702), 2701),
      'track 2 ("T2"): the timestamp 45:02 is after the end of the sound (45:01)'
    )
    assert.equal(
      timestampProblem(rows(1e23), MAX_TRACK_TIMESTAMP),
      'track 1 ("T1"): the timestamp 1e+23 s is more than 24 hours'
    )
    assert.equal(
      timestampProblem(rows(24 * 3600 + 1), MAX_TRACK_TIMESTAMP),
      'track 1 ("T1"): the timestamp 24:00:01 is more than 24 hours'
    )
  })

  test('a CSV line of 10^23 s is refused by its line number', ({ assert }) => {
    assert.throws(
      () => parseTracklistCsv('A;Intro;0;0\nB;Forever;1666666666666666666666;40\n'),
      /^line 2: the timestamp .* is more than 24 hours$/
    )
    assert.throws(
      () => parseTracklistCsv('A;Late;1441;0\n'),
      'line 1: the timestamp 24:01:00 is more than 24 hours'
    )
    assert.deepEqual(
      parseTracklistCsv('A;Last;1440;0\n').map((row) => row.timestamp),
      [MAX_TRACK_TIMESTAMP]
    )
  })
})
