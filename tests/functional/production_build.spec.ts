import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import env from '#start/env'
import { freePort } from '#tests/web_server'

const run = promisify(execFile)

/**
 * The install a station runs: `node ace build`, then the compiled JavaScript
 * from build/ with NODE_ENV=production (no TypeScript loader, no .env of
 * the source tree: its settings come from the environment, as a unit gives them).
 */
test.group('Production build', () => {
  test('node ace build compiles with no type error; the compiled web server and commands run from build/ in production', async ({
    assert,
  }) => {
    await run(process.execPath, ['ace', 'build'], { cwd: app.makePath(), timeout: 240_000 })
    const build = app.makePath('build')
    for (const file of [
      'ace.js',
      'bin/server.js',
      'resources/liquidsoap/station.edge',
      'resources/systemd/antenne-web.service',
      'resources/passwords/common.txt',
      'resources/public/antenne.css',
      'package.json',
    ]) {
      assert.isTrue(existsSync(join(build, file)), `build/${file}`)
    }
    const sqlite = env.get('SQLITE_PATH', 'tmp/antenne-test.sqlite3')
    const production = {
      ...process.env,
      NODE_ENV: 'production',
      // A clean clone has no .env: production refuses to start without a key, so the test brings one.
      APP_KEY: env.get('APP_KEY') ?? randomBytes(32).toString('base64url'),
      SQLITE_PATH: isAbsolute(sqlite) ? sqlite : app.makePath(sqlite),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    } as Record<string, string>

    // A command: the units it prints run the compiled build.
    const unit = await run(
      process.execPath,
      ['ace.js', 'streamer:unit', '--service', 'web', '--path', build, '--user', 'antenne'],
      { cwd: build, env: production }
    )
    assert.include(unit.stdout, `ExecStart=${process.execPath} bin/server.js`)
    assert.include(unit.stdout, 'Environment=NODE_ENV=production')
    assert.notInclude(unit.stdout, 'ts-node')

    // The web server: listens, answers, and stops on SIGTERM.
    const port = await freePort()
    const server = spawn(process.execPath, ['bin/server.js'], {
      cwd: build,
      env: { ...production, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    let output = ''
    server.stdout!.on('data', (chunk) => (output += chunk))
    server.stderr!.on('data', (chunk) => (output += chunk))
    const exited = new Promise<number | null>((resolve) =>
      server.once('exit', (code) => resolve(code))
    )
    try {
      await Promise.race([
        new Promise<void>((resolve) =>
          server.on('message', (message: any) => message?.isAdonisJS && resolve())
        ),
        exited.then((code) => {
          throw new Error(`the compiled server exited (${code}) before it listened:\n${output}`)
        }),
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`the compiled server did not listen within 30 s:\n${output}`)),
            30_000
          )
        ),
      ])
      const health = await fetch(`http://127.0.0.1:${port}/health`)
      assert.oneOf(health.status, [200, 503])
      assert.property(await health.json(), 'checks')
      const home = await fetch(`http://127.0.0.1:${port}/staff/login`)
      assert.equal(home.status, 200, output)
      assert.include(await home.text(), '<form')
    } finally {
      server.kill('SIGTERM')
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }).timeout(300_000)
})
