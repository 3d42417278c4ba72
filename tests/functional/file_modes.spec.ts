import { test } from '@japa/runner'
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { backupName, createBackup } from '#archives/backup'

/*
| Issue 12, #4: what Antenne writes that holds secrets or data (the SQLite
| database, backups and archives) is not readable by the other users of the
| machine. Each test looks at the mode of a file Antenne really created.
*/
const mode = (path: string) => statSync(path).mode & 0o777

test.group('Files that hold secrets or data are not world-readable (issue 12, #4)', (group) => {
  const folders: string[] = []
  group.each.teardown(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
  })

  test('the process creates files with umask 027: a file written without a mode is not readable by others', ({
    assert,
  }) => {
    const folder = mkdtempSync(join(tmpdir(), 'antenne-umask-'))
    folders.push(folder)
    writeFileSync(join(folder, 'plain.txt'), 'x')
    assert.equal(process.umask(), 0o027)
    assert.equal(mode(join(folder, 'plain.txt')) & 0o007, 0)
  })

  test('a new SQLite database, its -wal and -shm files, and one left 644 by an older version, all end 600', async ({
    assert,
  }) => {
    const folder = mkdtempSync(join(tmpdir(), 'antenne-sqlite-'))
    folders.push(folder)
    const fresh = join(folder, 'fresh.sqlite3')
    const older = join(folder, 'older.sqlite3')
    writeFileSync(older, '')
    chmodSync(older, 0o644)
    const config = app.config.get<any>('database.connections.sqlite')
    try {
      for (const [name, filename] of [
        ['modes_fresh', fresh],
        ['modes_older', older],
      ]) {
        db.manager.add(name, { ...config, connection: { filename } })
        await db.connection(name).rawQuery('create table t (id integer)')
        await db.connection(name).table('t').insert({ id: 1 })
        for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
          assert.isTrue(existsSync(file), file)
          assert.equal(mode(file).toString(8), '600', file)
        }
      }
    } finally {
      await db.manager.close('modes_fresh', true)
      await db.manager.close('modes_older', true)
    }
  })

  test('a backup is 600 in a 750 folder, even over a partial file left 644 by an earlier run', async ({
    assert,
  }) => {
    const parent = mkdtempSync(join(tmpdir(), 'antenne-backups-'))
    folders.push(parent)
    const dir = join(parent, 'backups')
    const now = DateTime.fromISO('2026-12-02T03:00:00Z')
    const first = await createBackup(dir, 3, now)
    assert.equal(mode(first.path).toString(8), '600')
    assert.equal(mode(dir).toString(8), '750')

    const later = now.plus({ hours: 1 })
    const partial = `${join(dir, backupName(later))}.${process.pid}.partial`
    writeFileSync(partial, 'left over')
    chmodSync(partial, 0o644)
    const second = await createBackup(dir, 3, later)
    assert.equal(mode(second.path).toString(8), '600')
  })
})
