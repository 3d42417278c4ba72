import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { appendFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import { StationFactory } from '#database/factories/programme_factories'
import { LiveAttemptsImport } from '#live/live_attempts_import'

const line = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    uuid: randomUUID(),
    at: Date.now(),
    user: 'host@example.org',
    address: '192.0.2.4',
    accepted: false,
    reason: 'wrong_key',
    userId: null,
    diffusionId: null,
    ...over,
  }) + '\n'

test.group('Live attempts taken from the gate file', (group) => {
  let dir: string
  group.each.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'antenne-attempts-'))
    return () => rm(dir, { recursive: true, force: true })
  })

  test('each line once, across a streamer restart; a half-written line waits; junk is skipped', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const path = join(dir, 'live-attempts.jsonl')
    const first = line()
    const second = line({ reason: 'outside_slot', user: 'x'.repeat(500) })
    await appendFile(path, first + '{"not": "an attempt"}\nnot json at all\n' + second.slice(0, 20))
    const importer = new LiveAttemptsImport(path, station.id)
    assert.lengthOf(await importer.take(), 1)
    // The gate finishes its line.
    await appendFile(path, second.slice(20))
    const [taken] = await importer.take()
    assert.equal(taken.reason, 'outside_slot')
    assert.lengthOf(taken.user, 190)
    assert.deepEqual(await importer.take(), [])
    // A new streamer reads the whole file again: nothing is added twice.
    assert.deepEqual(await new LiveAttemptsImport(path, station.id).take(), [])
    const rows = await db.from('live_attempts').where('station_id', station.id)
    assert.lengthOf(rows, 2)
    await station.delete()
  })
})
