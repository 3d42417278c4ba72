import { test } from '@japa/runner'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import antenneConfig from '#config/antenne'
import { StationFactory } from '#database/factories/programme_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { LogJournal, type JournalEntry } from '#streamer/log_journal'
import { StationLease, currentLease } from '#streamer/station_lease'
import { writeStationConfig } from '#streamer/station_config'
import StreamerCommand from '#commands/streamer'
import { runCommand } from '#tests/helpers'

const quiet = { info: () => {}, warn: () => {}, error: () => {} }

test.group('Station leases: one node plays each station', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('one node takes the lease; another takes it only once it expired, with a new token; the old holder can neither renew nor write', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const a = new StationLease(station.id, 'play1', 400)
    const b = new StationLease(station.id, 'play2', 400)
    assert.equal(await a.acquire(), 1)
    assert.isNull(await b.acquire())
    assert.isTrue(await a.renew(1))
    assert.isNull(await b.acquire())
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(await b.acquire(), 2)
    assert.isFalse(await a.renew(1))
    assert.isNull(await a.acquire())
    const lease = (await currentLease(station.id))!
    assert.equal(lease.holder, 'play2')
    assert.equal(lease.token, 2)
    assert.isAbove(lease.expiresAt, lease.now)
    // A node taking its own lease back keeps its token (nobody held it in between).
    await db.from('station_leases').where('station_id', station.id).update({ expires_at: 0 })
    assert.equal(await b.acquire(), 2)
    // A clean stop gives the lease up: the standby takes it at once, with a new token.
    await b.release(2)
    assert.equal(await a.acquire(), 3)
  })

  test('on-air entries carry their lease token: those of a lease since taken over are refused and kept aside, the others written', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const path = app.makePath(`tmp/test/lease-journal-${station.id}-${Date.now()}.jsonl`)
    const lines: string[] = []
    let token: number | null = 1
    const journal = new LogJournal(
      path,
      { ...quiet, warn: (m: string) => lines.push(m) },
      { fence: { stationId: station.id, token: () => token } }
    )
    const entry = (comment: string): JournalEntry => ({
      op: 'log',
      row: { stationId: station.id, type: 'on_air', date: Date.now(), source: 'music', comment },
    })
    const lease = new StationLease(station.id, 'play1', 60_000)
    assert.equal(await lease.acquire(), 1)
    await journal.write([entry('while leading')])
    // Another node takes over (the lease expired while this one was stalled).
    await db.from('station_leases').where('station_id', station.id).update({ expires_at: 0 })
    assert.equal(await new StationLease(station.id, 'play2', 60_000).acquire(), 2)
    await journal.write([entry('after the takeover')])
    // Standing by: nothing is even journaled.
    token = null
    await journal.write([entry('as a standby')])
    const comments = (await db.from('logs').where('station_id', station.id)).map((r) => r.comment)
    assert.deepEqual(comments, ['while leading'])
    assert.isFalse(journal.hasBacklog())
    assert.match(lines.join('\n'), /1 on-air entries of a lease this node lost were not written/)
    const kept = (await readFile(`${path}.fenced`, 'utf8')).trim().split('\n')
    assert.lengthOf(kept, 1)
    assert.equal(JSON.parse(kept[0]).row.comment, 'after the takeover')
    await rm(`${path}.fenced`, { force: true })
  })

  test('a node that may stand by gets a script Liquidsoap accepts, whose outputs wait for the lease', async ({
    assert,
  }) => {
    // With a live input that records, the script's largest form.
    const station = await StationFactory.merge({
      path: app.makePath(`tmp/test/lease-config-${Date.now()}`),
      harborPort: 18123,
      liveRecordFormat: 'mp3',
    }).create()
    await OutputFactory.merge({ stationId: station.id }).create()
    const node = antenneConfig.streamer.node
    antenneConfig.streamer.node = 'play1'
    try {
      const result = await writeStationConfig(station)
      const script = await readFile(result.script, 'utf8')
      assert.match(script, /start=false/)
      assert.match(script, /thread\.run\.recurrent\(delay=0\., fence\)/)
      assert.match(script, /music_released = ref\(false\)/)
      assert.match(script, /record_path := ""\n@?/)
      assert.notMatch(script, /getenv\(default="0", "ANTENNE_HOLD_MS"\)/)
    } finally {
      antenneConfig.streamer.node = node
    }
    // A single host's script is today's: outputs start at once.
    const single = await readFile((await writeStationConfig(station)).script, 'utf8')
    assert.notMatch(single, /start=false|fence\(\)/)
    assert.match(single, /start=true/)
  })

  test('a node name on SQLite, or a hostile one, is refused with one clear error and a non-zero exit', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    await OutputFactory.merge({ stationId: station.id }).create()
    const node = antenneConfig.streamer.node
    try {
      antenneConfig.streamer.node = 'play1; rm -rf /'
      let result = await runCommand(StreamerCommand, ['--config', '--station', station.slug])
      assert.equal(result.exitCode, 1)
      assert.match(result.output, /invalid ANTENNE_NODE "play1; rm -rf \/"/)
      if (db.connection().dialect.name !== 'mysql') {
        antenneConfig.streamer.node = 'play1'
        result = await runCommand(StreamerCommand, ['--config', '--station', station.slug])
        assert.equal(result.exitCode, 1)
        assert.match(result.output, /ANTENNE_NODE needs MariaDB/)
      }
    } finally {
      antenneConfig.streamer.node = node
    }
    // Nothing was configured.
    assert.isFalse(existsSync(`${station.workingDir}/station.liq`))
  })
})
