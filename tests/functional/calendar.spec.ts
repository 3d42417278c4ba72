import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Diffusion from '#models/diffusion'
import { diffusionChange, diffusionColumns } from '#models/table_columns'
import antenneConfig from '#config/antenne'
import { sqlDateTime } from '#models/columns'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'

interface ParsedEvent {
  uid: string
  status: string
  sequence: number
  summary: string
  dtstamp: string
  lastModified: string
  start: string
  relatedTo: string | null
}

/**
 * The calendar as python3-icalendar (Debian's, the library behind many
 * calendar tools) reads it: a parse error fails the test.
 */
async function parseWithIcalendar(ics: string): Promise<ParsedEvent[]> {
  const script = `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for e in cal.walk('VEVENT'):
    out.append({
        'uid': str(e['UID']), 'status': str(e['STATUS']), 'sequence': int(e['SEQUENCE']),
        'summary': str(e['SUMMARY']), 'dtstamp': e['DTSTAMP'].dt.isoformat(),
        'lastModified': e['LAST-MODIFIED'].dt.isoformat(), 'start': e['DTSTART'].dt.isoformat(),
        'relatedTo': str(e['RELATED-TO']) if 'RELATED-TO' in e else None,
    })
print(json.dumps(out))
`
  const run = promisify(execFile)
  const child = run('/usr/bin/python3', ['-c', script], { timeout: 20_000 })
  child.child.stdin!.end(ics)
  const { stdout } = await child
  return JSON.parse(stdout)
}

async function timetable() {
  const station = await StationFactory.merge({
    isDefault: true,
    timezone: 'Europe/Brussels',
    name: 'Radio Calendrier',
    hosts: 'campus.example',
  }).create()
  const show = await ProgramFactory.merge({ stationId: station.id, title: 'Marée Basse' }).create()
  const start = DateTime.utc().plus({ days: 1 }).startOf('hour')
  const first = await EpisodeFactory.merge({ programId: show.id, title: 'Le port' }).create()
  const initial = await DiffusionFactory.merge({ episodeId: first.id, start }).create()
  const rerun = await DiffusionFactory.merge({
    episodeId: first.id,
    start: start.plus({ days: 2 }),
    initialId: initial.id,
  }).create()
  return { station, show, initial, rerun }
}

test.group('Timetable calendar', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('UIDs come from the public URL whatever the Host; DTSTAMP is the last change, not the fetch; no cookie', async ({
    client,
    assert,
  }) => {
    const { station, initial, rerun } = await timetable()
    const host = new URL(antenneConfig.publicUrl).hostname
    const plain = await client.get('/timetable.ics')
    plain.assertStatus(200)
    assert.notProperty(plain.headers(), 'set-cookie')
    const viaStationHost = await client.get('/timetable.ics').header('host', 'campus.example')
    assert.include(viaStationHost.text(), 'URL:http://campus.example')
    for (const response of [plain, viaStationHost]) {
      const events = await parseWithIcalendar(response.text())
      assert.sameMembers(
        events.map((e) => e.uid),
        [`diffusion-${initial.id}@${host}`, `diffusion-${rerun.id}@${host}`]
      )
    }
    const events = await parseWithIcalendar(plain.text())
    const first = events.find((e) => e.uid.startsWith(`diffusion-${initial.id}@`))!
    const second = events.find((e) => e.uid.startsWith(`diffusion-${rerun.id}@`))!
    assert.equal(first.summary, 'Marée Basse: Le port')
    assert.equal(first.status, 'CONFIRMED')
    assert.equal(first.sequence, 0)
    assert.equal(first.dtstamp, first.lastModified)
    assert.equal(
      DateTime.fromISO(first.dtstamp).toMillis(),
      initial.updatedAt.startOf('second').toMillis()
    )
    // The rerun is marked, in its summary and by its link to the first airing.
    assert.equal(second.summary, 'Marée Basse: Le port (rerun)')
    assert.equal(second.relatedTo, first.uid)
    // Fetched again later: the same bytes.
    assert.equal((await client.get('/timetable.ics')).text(), plain.text())
    // In the station's language, whoever fetches it.
    station.language = 'fr'
    await station.save()
    const french = await client.get('/timetable.ics').header('accept-language', 'en')
    assert.include(french.text(), 'SUMMARY:Marée Basse: Le port (rediffusion)')
  })

  test('an unchanged calendar is a 304 by its ETag; a cancel keeps the event, CANCELLED, one sequence higher', async ({
    client,
    assert,
  }) => {
    const { initial } = await timetable()
    const before = await client.get('/timetable.ics')
    const etag = before.header('etag')
    assert.isString(etag)
    const again = await client.get('/timetable.ics').header('if-none-match', etag!)
    again.assertStatus(304)
    assert.equal(again.text(), '')

    const diffusion = await Diffusion.findOrFail(initial.id)
    diffusion.type = 'cancel'
    await diffusion.save()
    const after = await client.get('/timetable.ics').header('if-none-match', etag!)
    after.assertStatus(200)
    assert.notEqual(after.header('etag'), etag)
    const event = (await parseWithIcalendar(after.text())).find((e) =>
      e.uid.startsWith(`diffusion-${initial.id}@`)
    )!
    assert.equal(event.status, 'CANCELLED')
    assert.equal(event.sequence, 1)
    // Unconfirmed diffusions are no one's plan yet: not in the calendar.
    await DiffusionFactory.merge({ episodeId: initial.episodeId }).apply('unconfirmed').create()
    assert.lengthOf(await parseWithIcalendar((await client.get('/timetable.ics')).text()), 2)
  })

  test('a change the monitor or the generator writes without the model still counts in the sequence', async ({
    assert,
  }) => {
    const { initial } = await timetable()
    const d = diffusionColumns
    const old = DateTime.utc(2020, 1, 1)
    await db
      .from(d.table)
      .where(d.name('id'), initial.id)
      .update(d.row({ updatedAt: sqlDateTime(old) }))
    for (const type of ['cancel', 'on_air'] as const)
      await db.from(d.table).where(d.name('id'), initial.id).update(diffusionChange({ type }))
    const changed = await Diffusion.findOrFail(initial.id)
    assert.equal(changed.sequence, 2)
    assert.isAbove(changed.updatedAt.toMillis(), old.toMillis())
  })
})
