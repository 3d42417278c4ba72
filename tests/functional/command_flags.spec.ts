import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { tablesIn } from '#tests/helpers'

/**
 * Runs `node ace <args>` as its own process, the way systemd or an operator
 * does: the exit code is the process's, not a field of the command object.
 */
function ace(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['ace', ...args],
      { cwd: app.makePath(), env: { ...process.env, ...env }, timeout: 45_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
        })
      }
    )
  })
}

const errorLines = (out: string) => out.split('\n').filter((line) => /\bE_[A-Z_]+: /.test(line))

test.group('bad flags: one E_ line and exit code 1', (group) => {
  let scratch: string
  group.each.setup(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'antenne-flags-'))
    return () => rm(scratch, { recursive: true, force: true })
  })

  test('{$self}')
    .with(
      [
        // Refused by ace while parsing, before the command runs.
        { args: ['streamer', '--monitor', '--delay', 'abc'], code: 'E_INVALID_FLAG' },
        { args: ['streamer', '--bogus'], code: 'E_UNKNOWN_FLAG' },
        { args: ['sounds', '--scan', '--workers', 'abc'], code: 'E_INVALID_FLAG' },
        { args: ['sounds', '--workers'], code: 'E_MISSING_FLAG_VALUE' },
        { args: ['listeners', '--interval', 'abc'], code: 'E_INVALID_FLAG' },
        { args: ['events:deliver', '--interval', 'soon'], code: 'E_INVALID_FLAG' },
        { args: ['diffusions', '--update', '--month'], code: 'E_MISSING_FLAG_VALUE' },
        // Refused by the command itself; all four stay alive when they run.
        { args: ['streamer', '--monitor', '--delay', '10'], code: 'E_INVALID_ARGUMENT' },
        { args: ['streamer'], code: 'E_INVALID_ARGUMENT' },
        { args: ['sounds', '--recheck'], code: 'E_INVALID_ARGUMENT' },
        { args: ['sounds', '--scan', '--workers', '0'], code: 'E_INVALID_ARGUMENT' },
        { args: ['listeners', '--monitor', '--interval', '0'], code: 'E_INVALID_ARGUMENT' },
        { args: ['events:deliver', '--interval', '1'], code: 'E_INVALID_ARGUMENT' },
      ].map((c) => ({
        ...c,
        toString: () =>
          `node ace ${c.args.join(' ')} prints one ${c.code} line, ends, exits 1 and writes nothing`,
      }))
    )
    .run(async ({ assert }, { args, code }) => {
      const stations = join(scratch, 'stations')
      const result = await ace(args, {
        SQLITE_PATH: join(scratch, 'antenne.sqlite3'),
        ANTENNE_STATIONS_DIR: stations,
        ANTENNE_PROGRAMS_DIR: join(scratch, 'programs'),
      })
      assert.equal(
        result.code,
        1,
        `exit code (a hung command is killed: null)\n${result.stdout}${result.stderr}`
      )
      const lines = errorLines(result.stdout + result.stderr)
      assert.lengthOf(lines, 1, result.stdout + result.stderr)
      assert.include(lines[0], `${code}: `)
      // Nothing was done: no script, no playlist, no folder, no table.
      assert.deepEqual(
        (await readdir(scratch)).filter((name) => !name.startsWith('antenne.sqlite3')),
        []
      )
      assert.deepEqual(await tablesIn(join(scratch, 'antenne.sqlite3')), [])
    })
    .timeout(60_000)
})

test.group('streamer:unit', () => {
  test('{$self}')
    .with(
      [
        {
          args: ['--path', '/srv/antenne\nExecStartPre=/bin/sh -c "id > /tmp/owned"'],
          flag: 'path',
        },
        { args: ['--user', 'antenne\nUser=root'], flag: 'user' },
        { args: ['--group', 'antenne\rGroup=root'], flag: 'group' },
        { args: ['--service', 'web\u001b[2J'], flag: 'service' },
        { args: ['--path', '/srv/antenne\u0085x'], flag: 'path' },
      ].map((c) => ({
        ...c,
        toString: () =>
          `a control character in --${c.flag} is refused: E_INVALID_ARGUMENT, exit 1, no unit printed`,
      }))
    )
    .run(async ({ assert }, { args, flag }) => {
      const result = await ace(['streamer:unit', ...args])
      assert.equal(result.code, 1)
      assert.notInclude(result.stdout, '[Service]')
      assert.notInclude(result.stdout + result.stderr, 'ExecStart=')
      const lines = errorLines(result.stdout + result.stderr)
      assert.lengthOf(lines, 1)
      assert.match(
        lines[0],
        new RegExp(`E_INVALID_ARGUMENT: --${flag} cannot hold control characters`)
      )
    })
    .timeout(60_000)

  test('plain values still print the unit', async ({ assert }) => {
    const result = await ace([
      'streamer:unit',
      '--path',
      '/srv/antenne',
      '--user',
      'radio',
      '--service',
      'sounds',
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.include(result.stdout, 'WorkingDirectory=/srv/antenne\n')
    assert.include(result.stdout, 'User=radio\n')
  }).timeout(60_000)
})
