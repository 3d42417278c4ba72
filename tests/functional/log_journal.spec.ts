import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import { StationFactory } from '#database/factories/programme_factories'
import { LogJournal, type JournalEntry } from '#streamer/log_journal'

const run = promisify(execFile)

class Lines {
  lines: string[] = []
  info = (m: string) => this.lines.push(`info ${m}`)
  warn = (m: string) => this.lines.push(`warn ${m}`)
  error = (m: string) => this.lines.push(`error ${m}`)
  count = (pattern: RegExp) => this.lines.filter((line) => pattern.test(line)).length
}

test.group('Log journal: the database away', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('with the journal on a full disk too, entries wait in memory in order and reach the database once it is back; one line each way', async ({
    assert,
  }) => {
    // A real full disk: a 1 MiB tmpfs of the test's own, filled (root, as CI runs).
    const dir = mkdtempSync(join(tmpdir(), 'antenne-full-journal-'))
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])
    db.manager.add('journal-unreachable', {
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: 1, user: 'x', password: 'x', database: 'x' },
      pool: { min: 0, max: 1, acquireTimeoutMillis: 2000 },
    })
    try {
      await writeFile(join(dir, 'fill'), Buffer.alloc(1024 * 1024)).catch(() => {})
      const station = await StationFactory.create()
      const said = new Lines()
      const storageErrors: string[] = []
      let reachable = false
      const journal = new LogJournal(join(dir, 'journal.jsonl'), said, {
        connection: () => (reachable ? db.connection() : db.connection('journal-unreachable')),
        onStorageError: (error) => storageErrors.push(error),
      })
      const entry = (n: number): JournalEntry => ({
        op: 'log',
        row: {
          stationId: station.id,
          type: 'on_air',
          date: Date.UTC(2027, 0, 1, 0, 0, n),
          source: 'rotation',
          comment: `entry ${n}`,
        },
      })
      for (const n of [1, 2, 3]) await journal.write([entry(n)])
      assert.isFalse(await journal.flush())
      assert.isTrue(journal.hasBacklog())
      assert.isFalse(existsSync(journal.path) && statSync(journal.path).size > 0)
      assert.equal(said.count(/database unreachable/), 1)
      assert.equal(said.count(/cannot write the journal \(ENOSPC/), 1)
      assert.lengthOf(storageErrors, 1)
      assert.lengthOf(await db.from('logs').where('station_id', station.id), 0)

      reachable = true
      await journal.write([entry(4)])
      assert.isFalse(journal.hasBacklog())
      const rows = await db.from('logs').where('station_id', station.id).orderBy('id')
      assert.deepEqual(
        rows.map((row) => row.comment),
        ['entry 1', 'entry 2', 'entry 3', 'entry 4']
      )
      assert.equal(
        said.count(/database reachable again after \d+ s: 4 journaled entries written/),
        1
      )
      await journal.write([entry(5)])
      assert.equal(said.count(/database reachable again/), 1)
    } finally {
      await db.manager.close('journal-unreachable')
      await run('umount', [dir])
    }
  })

  test('with the database away, entries go to the journal file and are written in order when it answers, the line said once', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-journal-'))
    db.manager.add('journal-unreachable', {
      client: 'mysql2',
      connection: { host: '127.0.0.1', port: 1, user: 'x', password: 'x', database: 'x' },
      pool: { min: 0, max: 1, acquireTimeoutMillis: 2000 },
    })
    try {
      const station = await StationFactory.create()
      const said = new Lines()
      let reachable = false
      const journal = new LogJournal(join(dir, 'journal.jsonl'), said, {
        connection: () => (reachable ? db.connection() : db.connection('journal-unreachable')),
      })
      await journal.write([
        {
          op: 'log',
          row: {
            stationId: station.id,
            type: 'on_air',
            date: Date.UTC(2027, 0, 1),
            source: null,
            comment: 'first',
          },
        },
      ])
      await journal.write([
        {
          op: 'log',
          row: {
            stationId: station.id,
            type: 'on_air',
            date: Date.UTC(2027, 0, 1, 0, 1),
            source: null,
            comment: 'second',
          },
        },
      ])
      assert.isAbove(statSync(journal.path).size, 0)
      reachable = true
      assert.isTrue(await journal.flush())
      assert.isFalse(existsSync(journal.path))
      assert.deepEqual(
        (await db.from('logs').where('station_id', station.id).orderBy('id')).map(
          (row) => row.comment
        ),
        ['first', 'second']
      )
      assert.equal(said.count(/database unreachable/), 1)
      assert.equal(
        said.count(/database reachable again after \d+ s: 2 journaled entries written/),
        1
      )
    } finally {
      await db.manager.close('journal-unreachable')
    }
  })
})
