import { test } from '@japa/runner'
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { changeStampPath, readChangeStamp, touchChangeStamp } from '#models/change_stamp'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { UserFactory } from '#database/factories/user_factory'
import { LiveAttemptFactory, LiveKeyFactory } from '#database/factories/live_factories'

const ZONE = 'Europe/Brussels'

const settingsOf = (id: number) =>
  db
    .from('stations')
    .where('id', id)
    .select(
      'live_margin_before',
      'live_margin_after',
      'live_silence_after',
      'live_silence_jingle',
      'live_record_format'
    )
    .first()

/** A station working in a folder of its own, with a jingle in it; its manager; a host of one of its programs. */
async function studio(folder: string) {
  const station = await StationFactory.merge({
    timezone: ZONE,
    path: folder,
    harborPort: 8011,
  }).create()
  const program = await ProgramFactory.merge({ stationId: station.id }).create()
  const manager = await UserFactory.apply('manager').create()
  await manager.related('stations').attach([station.id])
  const host = await UserFactory.create()
  await host.related('programs').attach([program.id])
  mkdirSync(join(folder, 'jingles'), { recursive: true })
  const jingle = join(folder, 'jingles', 'hold.mp3')
  writeFileSync(jingle, 'ID3')
  return { station, program, manager, host, jingle }
}

const good = (jingle: string | null) => ({
  liveMarginBefore: '300',
  liveMarginAfter: '60',
  liveSilenceAfter: '0',
  liveSilenceJingle: jingle ?? '',
  liveRecordFormat: 'flac',
})

test.group("A station's live page in the CMS", (group) => {
  let folder: string
  let elsewhere: string
  group.each.setup(async () => {
    folder = mkdtempSync(join(tmpdir(), 'antenne-live-station-'))
    elsewhere = mkdtempSync(join(tmpdir(), 'antenne-live-elsewhere-'))
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await rollback()
      rmSync(folder, { recursive: true, force: true })
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  test('its manager saves the live settings; the streamer is told', async ({ client, assert }) => {
    const { station, manager, jingle } = await studio(folder)
    const page = await client.get(`/staff/stations/${station.id}/live`).loginAs(manager)
    page.assertStatus(200)
    assert.include(page.text(), 'name="liveMarginBefore"')
    assert.include(page.text(), 'value="600"')

    touchChangeStamp()
    const past = new Date(Date.now() - 3600_000)
    utimesSync(changeStampPath(), past, past)
    const stamp = readChangeStamp()
    const saved = await client
      .post(`/staff/stations/${station.id}/live`)
      .form(good(jingle))
      .withCsrfToken()
      .loginAs(manager)
      .redirects(0)
    saved.assertStatus(302)
    assert.equal(saved.flashMessages().notice, 'Saved.')
    assert.deepEqual(await settingsOf(station.id), {
      live_margin_before: 300,
      live_margin_after: 60,
      live_silence_after: 0,
      live_silence_jingle: jingle,
      live_record_format: 'flac',
    })
    assert.isAbove(readChangeStamp(), stamp)

    // "Not recorded" and no jingle.
    await client
      .post(`/staff/stations/${station.id}/live`)
      .form({ ...good(null), liveRecordFormat: '' })
      .withCsrfToken()
      .loginAs(manager)
    const after = await settingsOf(station.id)
    assert.isNull(after.live_record_format)
    assert.isNull(after.live_silence_jingle)
  })

  test('{$self}')
    .with(
      [
        { field: 'liveMarginBefore', value: '-5', message: /must be between 0 and 7200/ },
        { field: 'liveMarginAfter', value: 'soon', message: /must be a number/ },
        { field: 'liveMarginAfter', value: '1.5', message: /must be an integer/ },
        { field: 'liveSilenceAfter', value: '9999', message: /must be between 0 and 600/ },
        { field: 'liveSilenceJingle', value: 'jingles/hold.mp3', message: /absolute path/ },
        {
          field: 'liveSilenceJingle',
          value: '/etc/passwd',
          message: /absolute path of an audio file/,
        },
        {
          field: 'liveSilenceJingle',
          value: '<folder>/jingles/none.mp3',
          message: /cannot read|not a file/,
        },
        {
          field: 'liveSilenceJingle',
          value: '<folder>/jingles',
          message: /absolute path of an audio file/,
        },
        {
          field: 'liveSilenceJingle',
          value: '<elsewhere>/hold.mp3',
          message: /inside the station's folder/,
        },
        {
          field: 'liveSilenceJingle',
          value: '<folder>/jingles/../../<elsewhere-name>/hold.mp3',
          message: /inside the station's folder/,
        },
        { field: 'liveRecordFormat', value: 'wav', message: /is invalid/ },
      ].map((c) => ({
        ...c,
        toString: () =>
          `${c.field} = ${JSON.stringify(c.value)}: one clear error beside the field, nothing saved`,
      }))
    )
    .run(async ({ client, assert }, { field, value, message }) => {
      const { station, manager, jingle } = await studio(folder)
      writeFileSync(join(elsewhere, 'hold.mp3'), 'ID3')
      const before = await settingsOf(station.id)
      const posted = value
        .replace('<folder>', folder)
        .replace('<elsewhere>', elsewhere)
        .replace('<elsewhere-name>', elsewhere.split('/').pop()!)
      const refused = await client
        .post(`/staff/stations/${station.id}/live`)
        .form({ ...good(jingle), [field]: posted })
        .withCsrfToken()
        .loginAs(manager)
        .header('referer', `/staff/stations/${station.id}/live`)
        .redirects(0)
      refused.assertStatus(302)
      const errors = (refused.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
      assert.deepEqual(Object.keys(errors), [field])
      assert.lengthOf(errors[field], 1)
      assert.match(errors[field][0], message)
      assert.deepEqual(await settingsOf(station.id), before)
    })

  test('the page lists the last logins, newest first, in the station zone, reasons in words, 50 a page', async ({
    client,
    assert,
  }) => {
    const { station, manager, host } = await studio(folder)
    const at = DateTime.fromISO('2030-03-01T19:00:00Z')
    await LiveAttemptFactory.merge(
      Array.from({ length: 55 }, (_, i) => ({
        stationId: station.id,
        at: at.minus({ minutes: 60 - i }),
        userName: `old-${i}@radio.example`,
      }))
    ).createMany(55)
    await LiveAttemptFactory.apply('accepted')
      .merge({
        stationId: station.id,
        at,
        userName: host.email.toUpperCase(),
        userId: host.id,
        address: '198.51.100.7',
      })
      .create()
    const other = await StationFactory.create()
    await LiveAttemptFactory.merge({
      stationId: other.id,
      userName: 'not-here@radio.example',
    }).create()

    const page = await client.get(`/staff/stations/${station.id}/live`).loginAs(manager)
    page.assertStatus(200)
    const body = page.text()
    const rows =
      body
        .split('<tbody>')
        .pop()!
        .match(/<tr class="(accepted|refused)">/g) ?? []
    assert.lengthOf(rows, 50)
    // The newest first: the accepted host, at 20:00 Brussels time, matched to their account.
    assert.equal(rows[0], '<tr class="accepted">')
    assert.include(body, '2030-03-01 20:00:00')
    assert.include(body, host.email.toUpperCase())
    assert.include(body, `(${host.fullName})`)
    assert.include(body, '198.51.100.7')
    assert.include(body, 'a host during their diffusion')
    assert.include(body, 'wrong key')
    assert.notInclude(body, 'not-here@radio.example')
    assert.include(body, `/staff/stations/${station.id}/live?page=2`)

    const second = await client.get(`/staff/stations/${station.id}/live?page=2`).loginAs(manager)
    assert.include(second.text(), 'old-0@radio.example')
    assert.lengthOf(second.text().match(/<tr class="(accepted|refused)">/g) ?? [], 6)
  })

  test("the page lists the station's hosts with their key's state, never a key", async ({
    client,
    assert,
  }) => {
    const { station, manager, host } = await studio(folder)
    const liveKey = await LiveKeyFactory.merge({ userId: host.id }).create()
    const page = await client.get(`/staff/stations/${station.id}/live`).loginAs(manager)
    assert.include(page.text(), host.email)
    assert.include(page.text(), `${liveKey.hint}…`)
    assert.include(page.text(), `action="/staff/users/${host.id}/live-key/revoke"`)
    assert.notInclude(page.text(), liveKey.keyHash)
  })

  test("a host, and a manager of another station, may neither see nor change a station's live settings", async ({
    client,
    assert,
  }) => {
    const { station, host, jingle } = await studio(folder)
    const outsider = await UserFactory.apply('manager').create()
    await outsider.related('stations').attach([(await StationFactory.create()).id])
    const before = await settingsOf(station.id)
    for (const who of [host, outsider]) {
      ;(await client.get(`/staff/stations/${station.id}/live`).loginAs(who)).assertStatus(403)
      const refused = await client
        .post(`/staff/stations/${station.id}/live`)
        .form(good(jingle))
        .withCsrfToken()
        .loginAs(who)
        .redirects(0)
      refused.assertStatus(403)
    }
    assert.deepEqual(await settingsOf(station.id), before)
  })
})
