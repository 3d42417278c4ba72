import { test } from '@japa/runner'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSpool } from '#spool/database_spool'
import { orphanSpools, processSpoolPath } from '#spool/orphan_spools'

type Entry = { n: number }

/** An error as the drivers give it when no database listens. */
const unreachable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
  })

/**
 * A database in memory: `up` says whether it answers, `refuses` which
 * entries it rejects (a whole commit fails, as in a transaction).
 */
function fakeDatabase() {
  const state = { up: true, refuses: new Set<number>(), rows: [] as number[], commits: 0 }
  const commit = async (entries: Entry[]) => {
    state.commits++
    if (!state.up) throw unreachable()
    const bad = entries.find((e) => state.refuses.has(e.n))
    if (bad) throw new Error(`NOT NULL constraint failed: entry ${bad.n}\nsql...`)
    state.rows.push(...entries.map((e) => e.n))
  }
  return { state, commit }
}

function spoolIn(path: string, memoryLimit?: number) {
  const database = fakeDatabase()
  const said: string[] = []
  const spool = new DatabaseSpool<Entry>(path, {
    commit: database.commit,
    memoryLimit,
    say: {
      databaseDown: (reason) => said.push(`down ${reason}`),
      databaseBack: (_ms, written) => said.push(`back ${written}`),
      diskFailed: (message) => said.push(`disk failed ${message.split(':')[0]}`),
      diskBack: () => said.push('disk back'),
      memoryFull: (dropped) => said.push(`memory full ${dropped}`),
      refused: (reason, entry, _path, keepError) =>
        said.push(`refused ${entry.n} (${reason})${keepError ? ' not kept' : ''}`),
      unreadableLine: () => said.push('unreadable line'),
    },
  })
  return { spool, database: database.state, said }
}

const entries = (...ns: number[]) => ns.map((n) => ({ n }))
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))

test.group('Database spool', () => {
  test('with the database away, entries wait in the file, then reach the database in order in one commit; each way said once', async ({
    assert,
  }) => {
    const path = join(mkdtempSync(join(tmpdir(), 'antenne-spool-')), 'spool.jsonl')
    const { spool, database, said } = spoolIn(path)
    database.up = false
    await spool.write(entries(1, 2))
    await spool.write(entries(3))
    assert.isTrue(spool.databaseDown)
    assert.deepEqual(lines(path), entries(1, 2, 3))
    assert.isFalse(await spool.flush())

    database.up = true
    const commits = database.commits
    await spool.write(entries(4))
    assert.deepEqual(database.rows, [1, 2, 3, 4])
    assert.equal(database.commits, commits + 1)
    assert.isFalse(existsSync(path))
    assert.isFalse(spool.hasBacklog())
    assert.deepEqual(said, ['down connect ECONNREFUSED 127.0.0.1:1', 'back 4'])
  })

  test('an entry the database refuses is set aside with the reason; the others are written, nothing is retried', async ({
    assert,
  }) => {
    const path = join(mkdtempSync(join(tmpdir(), 'antenne-spool-')), 'spool.jsonl')
    const { spool, database, said } = spoolIn(path)
    database.refuses.add(2)
    await spool.write(entries(1, 2, 3))
    assert.deepEqual(database.rows, [1, 3])
    assert.deepEqual(lines(spool.rejectedPath), [
      { n: 2, reason: 'NOT NULL constraint failed: entry 2' },
    ])
    assert.isFalse(spool.hasBacklog())
    await spool.write(entries(4))
    assert.deepEqual(database.rows, [1, 3, 4])
    assert.deepEqual(said, ['refused 2 (NOT NULL constraint failed: entry 2)'])
  })

  test('a refused entry that cannot be set aside is still said, with the entry', async ({
    assert,
  }) => {
    // The spool's folder is a file: neither the spool nor its .rejected can be written.
    const file = join(mkdtempSync(join(tmpdir(), 'antenne-spool-')), 'not-a-folder')
    writeFileSync(file, '')
    const { spool, database, said } = spoolIn(join(file, 'spool.jsonl'))
    database.refuses.add(1)
    await spool.write(entries(1, 2))
    assert.deepEqual(database.rows, [2])
    assert.deepEqual(said, ['refused 1 (NOT NULL constraint failed: entry 1) not kept'])
  })

  test('when the database goes away while entries are written one at a time, the rest waits in order', async ({
    assert,
  }) => {
    const path = join(mkdtempSync(join(tmpdir(), 'antenne-spool-')), 'spool.jsonl')
    const database = fakeDatabase()
    database.state.refuses.add(1)
    // The database answers the batch and the first entry, then goes away.
    const spool = new DatabaseSpool<Entry>(path, {
      commit: async (batch) => {
        await database.commit(batch)
        if (batch.length === 1) database.state.up = false
      },
      say: {
        databaseDown: () => {},
        databaseBack: () => {},
        diskFailed: () => {},
        diskBack: () => {},
        memoryFull: () => {},
        refused: () => (database.state.up = false),
      },
    })
    await spool.write(entries(1, 2, 3))
    assert.deepEqual(lines(path), entries(2, 3))
    database.state.up = true
    assert.isTrue(await spool.flush())
    assert.deepEqual(database.state.rows, [2, 3])
  })

  test('with the file unwritable too, entries wait in memory in order, up to the bound, and reach the database once it is back', async ({
    assert,
  }) => {
    // A path whose parent is a file: every write fails with ENOTDIR, even as root.
    const file = join(mkdtempSync(join(tmpdir(), 'antenne-spool-')), 'not-a-folder')
    writeFileSync(file, '')
    const path = join(file, 'spool.jsonl')
    const { spool, database, said } = spoolIn(path, 3)
    database.up = false
    for (const n of [1, 2, 3, 4, 5]) await spool.write(entries(n))
    assert.isTrue(spool.hasBacklog())
    assert.equal(spool.inMemory, 3)
    assert.isFalse(existsSync(path))

    database.up = true
    assert.isTrue(await spool.flush())
    assert.deepEqual(database.rows, [3, 4, 5])
    assert.isFalse(spool.hasBacklog())
    assert.deepEqual(said, [
      'down connect ECONNREFUSED 127.0.0.1:1',
      'disk failed ENOTDIR',
      'memory full 1',
      'memory full 1',
      'back 3',
    ])
  })

  test('entries in memory stay ahead of later ones when the disk is back', async ({ assert }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-spool-'))
    const file = join(dir, 'spool')
    writeFileSync(file, '')
    // The spool's folder is a file for a while, then a folder again.
    const path = join(file, 'spool.jsonl')
    const { spool, database, said } = spoolIn(path)
    database.up = false
    await spool.write(entries(1))
    const { rm } = await import('node:fs/promises')
    await rm(file)
    await spool.write(entries(2))
    // Behind an entry in memory, the second one waits in memory too.
    assert.equal(spool.inMemory, 2)
    database.up = true
    await spool.write(entries(3))
    assert.deepEqual(database.rows, [1, 2, 3])
    assert.deepEqual(said, [
      'down connect ECONNREFUSED 127.0.0.1:1',
      'disk failed ENOTDIR',
      'back 3',
    ])
  })

  test('a spool left by a process that died is adopted behind what waits, then written in order', async ({
    assert,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-spool-'))
    const orphan = join(dir, '999999999.jsonl')
    // Its last line was cut by the crash.
    writeFileSync(orphan, '{"n":2}\n{"n":3}\n{"n":')
    writeFileSync(join(dir, '999999999.jsonl.rejected'), '{"n":0}\n')
    const { spool, database, said } = spoolIn(processSpoolPath(dir))
    database.up = false
    await spool.write(entries(1))

    assert.deepEqual(await orphanSpools(dir), [orphan])
    assert.isTrue(await spool.adopt(orphan))
    assert.isFalse(await spool.adopt(orphan), 'already claimed')
    assert.deepEqual(await orphanSpools(dir), [])
    database.up = true
    assert.isTrue(await spool.flush())
    assert.deepEqual(database.rows, [1, 2, 3])
    assert.include(said, 'unreadable line')
  })

  test('the spool of a running process is not an orphan', async ({ assert }) => {
    const dir = mkdtempSync(join(tmpdir(), 'antenne-spool-'))
    writeFileSync(processSpoolPath(dir), '{"n":1}\n')
    writeFileSync(join(dir, `${process.ppid}.jsonl`), '{"n":2}\n')
    assert.deepEqual(await orphanSpools(dir), [])
  })
})
