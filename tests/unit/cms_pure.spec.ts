import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { readFileSync, readdirSync } from 'node:fs'
import { previewSchedule } from '#scheduling/schedule_preview'
import { airedState } from '#cms/dashboard'
import { formatTimestamp, parseTimestamp } from '#cms/tracklist_editor'
import { safeSoundFileName } from '#cms/sound_upload'
import { tracklistRows } from '#controllers/staff/tracks_controller'

const ZONE = 'Europe/Brussels'
const weekly = {
  date: '2027-01-04',
  time: '08:00',
  timezone: ZONE,
  duration: 60,
  frequency: 'every' as const,
}

test.group('Schedule preview', () => {
  test('an initial schedule previews its next airings from now, not from its first date', ({
    assert,
  }) => {
    const { errors, occurrences } = previewSchedule(
      weekly,
      null,
      DateTime.fromISO('2027-02-10T12:00', { zone: ZONE }),
      3
    )
    assert.deepEqual(errors, [])
    assert.deepEqual(
      occurrences.map((o) => o.date),
      ['2027-02-15', '2027-02-22', '2027-03-01']
    )
  })

  test('a rerun previews each initial airing shifted by the days between the two dates, at its own time', ({
    assert,
  }) => {
    const rerun = { ...weekly, date: '2027-01-09', time: '14:00', frequency: 'ponctual' as const }
    const { errors, occurrences } = previewSchedule(
      rerun,
      weekly,
      DateTime.fromISO('2027-02-10T12:00', { zone: ZONE }),
      2
    )
    assert.deepEqual(errors, [])
    assert.deepEqual(
      occurrences.map((o) => o.start.setZone(ZONE).toFormat('ccc yyyy-MM-dd HH:mm')),
      ['Sat 2027-02-13 14:00', 'Sat 2027-02-20 14:00']
    )
  })

  test('a rerun dated before its initial, and a malformed rule, answer their problems and no date', ({
    assert,
  }) => {
    const early = previewSchedule(
      { ...weekly, date: '2027-01-01' },
      weekly,
      DateTime.fromISO('2027-02-10T12:00'),
      3
    )
    assert.include(early.errors.join(), 'after its initial')
    assert.deepEqual(early.occurrences, [])
    const broken = previewSchedule(
      { ...weekly, time: '24:00', timezone: 'Nowhere/Land' },
      null,
      DateTime.now(),
      3
    )
    assert.lengthOf(broken.errors, 2)
  })

  test('a time in the autumn fold airs at its first occurrence, a ponctual rule previews once', ({
    assert,
  }) => {
    const fold = previewSchedule(
      { ...weekly, date: '2027-10-31', time: '02:30', frequency: 'ponctual' },
      null,
      DateTime.fromISO('2027-10-01'),
      5
    )
    assert.lengthOf(fold.occurrences, 1)
    assert.equal(fold.occurrences[0].start.toISO(), '2027-10-31T00:30:00.000Z')
  })
})

test.group('Planned against aired', () => {
  const start = DateTime.fromISO('2027-01-04T08:00Z')
  const diffusion = { type: 'on_air' as const, start, end: start.plus({ hours: 1 }) }

  test('the state follows the type, the start log and the clock', ({ assert }) => {
    assert.equal(airedState(diffusion, null, start.minus({ minutes: 1 })), 'planned')
    assert.equal(airedState(diffusion, null, start.plus({ minutes: 1 })), 'late')
    assert.equal(airedState(diffusion, start, start.plus({ minutes: 1 })), 'airing')
    assert.equal(airedState(diffusion, start, start.plus({ hours: 2 })), 'aired')
    assert.equal(airedState(diffusion, null, start.plus({ hours: 2 })), 'missed')
    assert.equal(airedState({ ...diffusion, type: 'cancel' }, null, start), 'cancelled')
    assert.equal(airedState({ ...diffusion, type: 'unconfirmed' }, null, start), 'unconfirmed')
  })
})

test.group('Tracklist form', () => {
  test('timestamps read seconds, m:ss and h:mm:ss, and print back the same way', ({ assert }) => {
    assert.equal(parseTimestamp('75'), 75)
    assert.equal(parseTimestamp('1:15'), 75)
    assert.equal(parseTimestamp('1:01:15'), 3675)
    assert.isNull(parseTimestamp(''))
    assert.isNull(parseTimestamp(null))
    assert.equal(formatTimestamp(75), '1:15')
    assert.equal(formatTimestamp(3675), '1:01:15')
    assert.equal(formatTimestamp(null), '')
  })

  test('rows are ordered by their position, blank rows dropped, and ties keep the form order', ({
    assert,
  }) => {
    const { tracks } = tracklistRows({
      tracks: [
        { position: '3', title: 'C' },
        { position: '1', title: 'A' },
        { position: '', title: null, artist: null },
        { position: '1', title: 'A2' },
        { position: 'x', title: 'E' },
      ],
    })
    assert.deepEqual(
      tracks.map((t) => t.title),
      ['A', 'A2', 'C', 'E']
    )
    assert.deepEqual(tracklistRows({}).tracks, [])
  })
})

test.group('Uploaded file names', () => {
  test('accents, spaces, slashes and dots become safe; the extension is kept', ({ assert }) => {
    assert.equal(
      safeSoundFileName('Émission du 3 mars (final).MP3'),
      'Emission_du_3_mars_final.mp3'
    )
    assert.equal(safeSoundFileName('../../etc/passwd.ogg'), 'passwd.ogg')
    assert.equal(safeSoundFileName('"; rm -rf $HOME #.flac'), 'rm_-rf_HOME.flac')
    assert.equal(safeSoundFileName('.wav'), 'sound.wav')
    assert.equal(safeSoundFileName('20270104_08h00_talk.ogg'), '20270104_08h00_talk.ogg')
  })
})

test.group('Translations', () => {
  test('English and French have the same keys in every file, and every staff key a view uses exists', ({
    assert,
  }) => {
    const lang = new URL('../../resources/lang/', import.meta.url)
    const files = new Set([
      ...readdirSync(new URL('en/', lang)),
      ...readdirSync(new URL('fr/', lang)),
    ])
    for (const file of files) {
      const en = Object.keys(JSON.parse(readFileSync(new URL(`en/${file}`, lang), 'utf8')))
      const fr = Object.keys(JSON.parse(readFileSync(new URL(`fr/${file}`, lang), 'utf8')))
      assert.sameMembers(fr, en, file)
    }
    const staff = JSON.parse(readFileSync(new URL('en/staff.json', lang), 'utf8'))
    const views = new URL('../../resources/views/', import.meta.url)
    const used = new Set<string>()
    const walk = (dir: URL) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir))
        else
          for (const m of readFileSync(new URL(entry.name, dir), 'utf8').matchAll(
            /t\('staff\.([\w.]+)'/g
          ))
            used.add(m[1])
      }
    }
    walk(views)
    assert.isAbove(used.size, 100)
    // Keys built from a prefix (`'staff.types.' + type`) end with . or _.
    assert.deepEqual(
      [...used].filter((key) => !/[._]$/.test(key) && !(key in staff)),
      []
    )
  })
})
