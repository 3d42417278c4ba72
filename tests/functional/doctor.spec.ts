import { test } from '@japa/runner'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import { promisify } from 'node:util'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import antenneConfig from '#config/antenne'
import Doctor from '#commands/doctor'
import { diskCheck, runHealthChecks } from '#health/health_checks'
import { StationFactory } from '#database/factories/programme_factories'
import { EventFactory } from '#database/factories/event_factory'
import { EventSinkFactory } from '#database/factories/event_sink_factory'
import { OutputFactory } from '#database/factories/output_factory'
import { runCommand, lenientHealth } from '#tests/helpers'

const run = promisify(execFile)
const ICECAST_PORT = 8013

/** Thresholds no test machine fails on its own (CI disks can be small and busy). */
const lenient = lenientHealth({ timeout: 2000 })

test.group('node ace doctor', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.setup(async () => {
    await mkdir(antenneConfig.programsDir, { recursive: true })
    await mkdir(antenneConfig.stationsDir, { recursive: true })
    await run('bash', [app.makePath('bin/icecast'), String(ICECAST_PORT), 'rightpw'])
    return () =>
      run('bash', [app.makePath('bin/icecast'), 'stop', String(ICECAST_PORT)]).then(() => {})
  })

  test('a stopped Liquidsoap and a wrong Icecast password: each a failing line with its fix, and exit code 1', async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      path: app.makePath(`tmp/test/doctor-${Date.now()}`),
    }).create()
    const icecastOutput = await OutputFactory.merge({
      stationId: station.id,
      port: ICECAST_PORT,
      mount: '/doctor.mp3',
      password: 'wrongpw',
    }).create()

    const { exitCode, output } = await runCommand(Doctor, [])
    const printed = output.replace(/(green|red)\((.)\)/g, '$2')
    assert.equal(exitCode, 1)
    assert.match(printed, /✔ database: \w+ reachable/)
    assert.match(printed, /✔ migrations: \d+ run/)
    assert.match(
      printed,
      new RegExp(
        `✖ station ${station.slug}: liquidsoap: no answer on .*station\\.sock.*\\n    fix: start the streamer \\(node ace streamer --config --run --monitor`
      )
    )
    assert.match(
      printed,
      new RegExp(
        `✖ station ${station.slug}: icecast /doctor\\.mp3: Icecast at http://127\\.0\\.0\\.1:${ICECAST_PORT} refuses the source password\\n    fix: set the output's password`
      )
    )
    assert.match(printed, /\d+ of \d+ checks failed$/)

    // The right password: Icecast answers, but nothing streams to the mount.
    icecastOutput.password = 'rightpw'
    await icecastOutput.save()
    const icecast = (await runHealthChecks(lenient)).find((c) =>
      c.name.endsWith('icecast /doctor.mp3')
    )!
    assert.deepInclude(icecast, {
      ok: false,
      detail: `Icecast at http://127.0.0.1:${ICECAST_PORT} answers, but /doctor.mp3 has no source`,
    })
  })

  test('Icecast down: said, with the fix', async ({ assert }) => {
    const station = await StationFactory.create()
    await OutputFactory.merge({ stationId: station.id, port: 8019, mount: '/a.mp3' }).create()
    const check = (await runHealthChecks(lenient)).find(
      (c) => c.name === `station ${station.slug}: icecast /a.mp3`
    )!
    assert.isFalse(check.ok)
    assert.match(
      check.detail,
      /Icecast at http:\/\/127\.0\.0\.1:8019 does not answer \(ECONNREFUSED\)/
    )
    assert.include(check.fix!, 'systemctl start icecast2')
  })

  test('a full disk fails the disk checks (free space under the threshold)', async ({ assert }) => {
    const checks = await runHealthChecks({ ...lenient, minFreeBytes: Number.MAX_SAFE_INTEGER })
    const disk = checks.filter((c) => c.name.startsWith('disk: '))
    assert.lengthOf(disk, 2)
    for (const check of disk) {
      assert.isFalse(check.ok)
      assert.match(check.detail, /free \(\d+ %\) in \//)
      assert.match(check.fix!, /^free some space/)
    }
  })

  test('a real full disk (a 1 MiB tmpfs, filled) fails its check with the fix', async ({
    assert,
  }) => {
    // Mounting needs root, as CI runs; a machine where it cannot is told so plainly.
    const dir = await mkdtemp(join(tmpdir(), 'antenne-full-'))
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])
    } catch (error) {
      throw new Error(`this test mounts a tmpfs and needs root: ${(error as Error).message}`)
    }
    try {
      await writeFile(join(dir, 'fill'), Buffer.alloc(1024 * 1024)).catch(() => {})
      const check = await diskCheck('disk: programs', dir, {
        ...lenient,
        minFreeBytes: 64 * 1024,
        minFreeShare: 0.05,
      })
      assert.isFalse(check.ok)
      assert.match(check.detail, new RegExp(`^0 B free \\(0 %\\) in ${dir}`))
      assert.match(check.fix!, /^free some space/)
    } finally {
      await run('umount', [dir])
    }
  })

  test("events waiting too long for a sink fail, with the sink's last error and what to do", async ({
    assert,
  }) => {
    const stamp = DateTime.utc().minus({ minutes: 30 })
    const event = await EventFactory.merge({
      type: 'dead_air',
      station: 'x',
      level: 'error',
      occurredAt: stamp,
    }).create()
    await EventSinkFactory.merge({
      name: `doctor-${Date.now()}`,
      url: 'https://hooks.example/x',
      cursor: event.id - 1,
      attempts: 7,
      lastError: 'HTTP 503',
    }).create()
    const checks = await runHealthChecks(lenient)
    const sink = checks.find((c) => c.name.startsWith('events: sink doctor-'))!
    assert.isFalse(sink.ok)
    assert.match(sink.detail, /1 event\(s\) waiting, the oldest 30 min ago; last error: HTTP 503/)
    assert.match(sink.fix!, /make the sink reachable again/)
  })

  test('an unreachable database: one failing line, exit code 1', async ({ assert }) => {
    const result = await run(process.execPath, ['ace', 'doctor'], {
      cwd: app.makePath(),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DB_CONNECTION: 'mysql',
        MYSQL_HOST: '127.0.0.1',
        MYSQL_PORT: '1',
      },
    }).catch((error) => error)
    assert.equal(result.code, 1)
    assert.match(
      result.stdout,
      /✖ database: cannot reach the mysql database: .*ECONNREFUSED.*\n {4}fix: start MariaDB/
    )
    assert.notMatch(result.stdout, /station /)
  })
})

test.group('GET /health', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.setup(async () => {
    await mkdir(antenneConfig.programsDir, { recursive: true })
    await mkdir(antenneConfig.stationsDir, { recursive: true })
  })

  const url = () => `http://${process.env.HOST}:${process.env.PORT}/health`

  test("503 and the failing checks as JSON when a station's Liquidsoap is down; 200 when all pass", async ({
    assert,
  }) => {
    const saved = { ...antenneConfig.health }
    Object.assign(antenneConfig.health, lenient)
    try {
      const station = await StationFactory.create()
      let response = await fetch(url())
      assert.equal(response.status, 503)
      const body = (await response.json()) as {
        status: string
        checks: Array<{ name: string; ok: boolean; fix?: string }>
      }
      assert.equal(body.status, 'fail')
      assert.deepInclude(
        body.checks.map((c) => [c.name, c.ok]),
        [`station ${station.slug}: liquidsoap`, false]
      )
      assert.isString(body.checks.find((c) => !c.ok)!.fix)

      station.active = false
      await station.save()
      response = await fetch(url())
      assert.equal(response.status, 200, JSON.stringify(await response.clone().json()))
      assert.equal(((await response.json()) as { status: string }).status, 'ok')
    } finally {
      Object.assign(antenneConfig.health, saved)
    }
  })
})
