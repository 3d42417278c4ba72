import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'

/**
 * Another process writing the database while a transaction of this one
 * reads, then writes: what the CMS does while the streamer logs. On SQLite a
 * deferred transaction failed at its first write with SQLITE_BUSY (its
 * snapshot is stale); each side must instead wait for the other.
 */
function otherProcessInserts(type: string) {
  const config = db.manager.get(db.primaryConnectionName)!.config as any
  const at = new Date().toISOString().slice(0, 19).replace('T', ' ')
  const insert = `INSERT INTO events (type, station, level, occurred_at, payload) VALUES ('${type}', NULL, 'info', '${at}', '{}')`
  const script =
    config.client === 'better-sqlite3'
      ? `const db = new (require('better-sqlite3'))(${JSON.stringify(config.connection.filename)});
         db.pragma('busy_timeout = 5000');
         console.log('ready');
         db.prepare(${JSON.stringify(insert)}).run();`
      : `const c = require('mysql2').createConnection(${JSON.stringify(config.connection)});
         console.log('ready');
         c.query(${JSON.stringify(insert)}, (e) => { c.end(); if (e) { console.error(e.message); process.exit(1) } });`
  const child = spawn(process.execPath, ['-e', script], { cwd: app.appRoot.pathname })
  let errors = ''
  child.stderr.on('data', (chunk) => (errors += chunk))
  const ready = once(child.stdout, 'data')
  const exited = once(child, 'exit').then(([code]) => ({ code, errors }))
  return { ready, exited }
}

test.group('Transactions beside another process', () => {
  test('a transaction that reads, then writes after another process wrote, commits, and so does the other', async ({
    assert,
  }) => {
    const mine = `tx-mine-${process.pid}-${Date.now()}`
    const theirs = `tx-theirs-${process.pid}-${Date.now()}`
    let other!: ReturnType<typeof otherProcessInserts>
    try {
      await db.transaction(async (trx) => {
        await trx.from('events').where('type', mine).first()
        other = otherProcessInserts(theirs)
        await other.ready
        // The other process's insert goes in now (or waits for this transaction).
        await new Promise((r) => setTimeout(r, 400))
        await trx.table('events').insert({
          type: mine,
          station: null,
          level: 'info',
          occurred_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
          payload: '{}',
        })
      })
      assert.deepEqual(await other.exited, { code: 0, errors: '' })
      const rows = await db.from('events').whereIn('type', [mine, theirs]).select('type')
      assert.sameMembers(
        rows.map((r) => r.type),
        [mine, theirs]
      )
    } finally {
      await other?.exited
      await db.from('events').whereIn('type', [mine, theirs]).delete()
    }
  })
})
