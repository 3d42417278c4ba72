import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import { tablesIn } from '#tests/helpers'
import { freePort, startWebServer } from '#tests/web_server'

const run = promisify(execFile)

/** A database nobody migrated: an SQLite file with no table at all. */
async function emptyDatabase() {
  const dir = await mkdtemp(join(tmpdir(), 'antenne-unmigrated-'))
  const file = join(dir, 'antenne.sqlite3')
  await writeFile(file, '')
  return { dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

test.group('doctor and /health on a database never migrated', () => {
  test('node ace doctor says "migrations: not run" with its fix, runs the other checks, exits 1, creates nothing', async ({
    assert,
    cleanup,
  }) => {
    const database = await emptyDatabase()
    cleanup(database.cleanup)

    const result = await run(process.execPath, ['ace', 'doctor'], {
      cwd: app.makePath(),
      env: { ...process.env, DB_CONNECTION: 'sqlite', SQLITE_PATH: database.file },
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error) => ({
        code: error.code as number,
        stdout: error.stdout as string,
        stderr: error.stderr as string,
      })
    )

    const printed = result.stdout.replace(/(green|red)\((.)\)/g, '$2')
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.notMatch(result.stdout + result.stderr, /no such table|doctor failed/)
    assert.match(printed, /✔ database: sqlite reachable/)
    assert.match(printed, /✖ migrations: not run\n {4}fix: node ace migration:run --force/)
    // The checks that need no table still ran.
    for (const name of ['disk: programs', 'disk: stations', 'memory', 'load'])
      assert.match(printed, new RegExp(`[✔✖] ${name}: `))
    assert.match(printed, /\d+ of \d+ checks failed$/m)
    assert.deepEqual(await tablesIn(database.file), [])
  }).timeout(60_000)

  test('GET /health answers 503 JSON with the migrations line and its fix, not an HTML 500', async ({
    assert,
    cleanup,
  }) => {
    const database = await emptyDatabase()
    cleanup(database.cleanup)
    const server = await startWebServer(await freePort(), {
      DB_CONNECTION: 'sqlite',
      SQLITE_PATH: database.file,
    })
    cleanup(() => server.stop())

    const response = await fetch(`http://127.0.0.1:${server.port}/health`)
    assert.equal(response.status, 503)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    const body = (await response.json()) as {
      status: string
      checks: Array<{ name: string; ok: boolean; detail: string; fix?: string }>
    }
    assert.equal(body.status, 'fail')
    assert.deepInclude(body.checks, {
      name: 'migrations',
      ok: false,
      detail: 'not run',
      fix: 'node ace migration:run --force',
    })
    assert.deepInclude(
      body.checks.find((c) => c.name === 'database'),
      { ok: true }
    )
    assert.includeMembers(
      body.checks.map((c) => c.name),
      ['disk: programs', 'disk: stations', 'memory', 'load']
    )
    // A query string does not change the answer.
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/health?probe=1`)).status, 503)
    assert.deepEqual(await tablesIn(database.file), [])
  }).timeout(90_000)
})
