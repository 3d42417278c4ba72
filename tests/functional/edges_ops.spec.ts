import { test } from '@japa/runner'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import Edge from '#models/edge'
import { sqlDateTime } from '#models/columns'
import IcecastConfig from '#commands/icecast_config'
import Doctor from '#commands/doctor'
import { overallStatus, type HealthCheck } from '#health/health_checks'
import { fullConfig } from '#streamer/icecast_config'
import { StationFactory, ProgramFactory } from '#database/factories/programme_factories'
import { OutputFactory } from '#database/factories/output_factory'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { UserFactory } from '#database/factories/user_factory'
import { runCommand } from '#tests/helpers'
import { waitFor } from '#tests/on_air_stack'

const run = promisify(execFile)
// A loopback address of these tests' own: no other suite's fixed port is in the way.
const ICECAST = { host: '127.77.0.9', port: 8000 }

const makeEdge = (name: string, host: string, port: number, extra: Partial<Edge> = {}) =>
  Edge.create({
    name,
    host,
    port,
    relayPassword: `${name}-relay-pw`,
    adminUser: 'ops',
    adminPassword: `${name}-admin-pw`,
    active: true,
    allStations: true,
    ...extra,
  })

test.group('icecast:config --edge', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  const dir = app.makePath('tmp/test/edge-config')

  test('an unknown edge, a missing --dir, a bad --origin, a relative --output: one clear line, exit 1', async ({
    assert,
  }) => {
    await makeEdge('known', '10.0.0.2', 8000)
    const cases: Array<[string[], RegExp]> = [
      [
        ['--edge', 'nope', '--dir', dir],
        /E_INVALID_ARGUMENT: unknown edge "nope" \(node ace edges:list\)$/,
      ],
      [['--edge', 'known'], /E_INVALID_ARGUMENT: --edge needs --dir, an absolute folder$/],
      [['--edge', 'known', '--dir', 'rel'], /--edge needs --dir/],
      [
        ['--edge', 'known', '--dir', dir, '--origin', 'origin'],
        /E_INVALID_ARGUMENT: invalid origin "origin": host:port$/,
      ],
      [
        ['--edge', 'known', '--dir', dir, '--output', 'edge.xml'],
        /E_INVALID_ARGUMENT: --output needs an absolute path$/,
      ],
    ]
    for (const [args, message] of cases) {
      const { exitCode, output } = await runCommand(IcecastConfig, args)
      assert.equal(exitCode, 1, args.join(' '))
      assert.lengthOf(output.split('\n'), 1, output)
      assert.match(output, message)
    }
  })

  test("--output writes the edge's icecast.xml 0600 and its webroot; the origin from --origin, ANTENNE_ORIGIN or the outputs", async ({
    assert,
  }) => {
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    const station = await StationFactory.create()
    await OutputFactory.merge({
      stationId: station.id,
      host: '127.0.0.1',
      port: 8000,
      mount: '/edge-test.mp3',
      bitrate: 64,
    }).create()
    const other = await StationFactory.create()
    await OutputFactory.merge({ stationId: other.id, mount: '/not-relayed.mp3' }).create()
    const edge = await makeEdge('paris-1', '10.0.0.2', 8010, { allStations: false })
    await edge.related('stations').attach([station.id])

    const printed = await runCommand(IcecastConfig, ['--edge', 'paris-1', '--dir', dir])
    assert.equal(printed.exitCode, 0)
    assert.include(printed.output, '<server>127.0.0.1</server><port>8000</port>')
    assert.notInclude(printed.output, '/not-relayed.mp3')

    process.env.ANTENNE_ORIGIN = 'origin.example:8001'
    try {
      const byEnv = await runCommand(IcecastConfig, ['--edge', 'paris-1', '--dir', dir])
      assert.include(byEnv.output, '<server>origin.example</server><port>8001</port>')
    } finally {
      delete process.env.ANTENNE_ORIGIN
    }

    const file = join(dir, 'icecast.xml')
    const written = await runCommand(IcecastConfig, [
      ...['--edge', 'paris-1', '--dir', dir, '--origin', '10.0.0.1:8000', '--output', file],
    ])
    assert.equal(written.exitCode, 0, written.output)
    assert.match(written.output, /wrote .*icecast\.xml \(1 mount\(s\), each with its fallback\)/)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    const text = await readFile(file, 'utf8')
    assert.include(text, '<server>10.0.0.1</server><port>8000</port>')
    assert.include(text, '<mount>/edge-test-fallback.mp3</mount>')
    assert.include(text, '<source-password>paris-1-relay-pw</source-password>')
    assert.include(text, '<bind-address>10.0.0.2</bind-address><')
    assert.isTrue((await stat(join(dir, 'web', 'edge-test-edge.mp3'))).size > 1000)
    assert.isTrue((await stat(join(dir, 'web', 'status-json.xsl'))).isFile())
  })
})

test.group('Edges in doctor and GET /health', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  let icecast: ChildProcess

  group.setup(async () => {
    // A real Icecast as the edge that answers (it relays nothing: no station asks it to).
    const folder = app.makePath('tmp/ae-functional-icecast')
    await mkdir(join(folder, 'log'), { recursive: true })
    await writeFile(
      join(folder, 'icecast.xml'),
      fullConfig(
        {
          port: ICECAST.port,
          bindAddress: ICECAST.host,
          hostname: ICECAST.host,
          sourcePassword: 'up-relay-pw',
          adminPassword: 'up-admin-pw',
          dir: folder,
          asRoot: process.getuid?.() === 0,
        },
        []
      ),
      { mode: 0o600 }
    )
    if (process.getuid?.() === 0) await run('chown', ['-R', 'icecast2:icecast', folder])
    icecast = spawn('icecast2', ['-c', join(folder, 'icecast.xml')], { stdio: 'ignore' })
    await waitFor(
      'Icecast',
      () =>
        fetch(`http://${ICECAST.host}:${ICECAST.port}/status-json.xsl`)
          .then((r) => r.ok)
          .catch(() => false),
      10_000
    )
    return () => {
      icecast.kill('SIGKILL')
    }
  })

  test('an edge down while another serves is degraded (exit 0); alone, it fails (exit 1)', async ({
    assert,
  }) => {
    await makeEdge('ae-up', ICECAST.host, ICECAST.port, { allStations: false })
    await makeEdge('ae-down', '127.77.0.8', 8000, { allStations: false })
    const printed = async () => {
      const result = await runCommand(Doctor, [])
      return { ...result, output: result.output.replace(/(green|red|yellow)\((.)\)/g, '$2') }
    }
    const degraded = await printed()
    assert.include(
      degraded.output,
      `✔ edge ae-up: http://${ICECAST.host}:8000 answers (no mount to relay)`
    )
    assert.match(
      degraded.output,
      /! edge ae-down: http:\/\/127\.77\.0\.8:8000 does not answer \(ECONNREFUSED\) \(degraded: others serve\)\n {4}fix: start its Icecast/
    )

    await Edge.query().where('name', 'ae-up').update({ active: false })
    const alone = await printed()
    assert.equal(alone.exitCode, 1)
    assert.match(
      alone.output,
      /✖ edge ae-down: http:\/\/127\.77\.0\.8:8000 does not answer \(ECONNREFUSED\)\n/
    )
    assert.notInclude(alone.output, 'edge ae-up')
  })

  test('/health lists each edge; only degraded failures answer 200 "degraded"', async ({
    client,
    assert,
  }) => {
    await makeEdge('ae-up', ICECAST.host, ICECAST.port, { allStations: false })
    await makeEdge('ae-down', '127.77.0.8', 8000, { allStations: false })
    const response = await client.get('/health')
    const body = response.body() as { status: string; checks: HealthCheck[] }
    const edges = body.checks.filter((c) => c.name.startsWith('edge '))
    assert.deepEqual(
      edges.map((c) => [c.name, c.ok, c.degraded ?? false]),
      [
        ['edge ae-down', false, true],
        ['edge ae-up', true, false],
      ]
    )
    // The machine's own checks may fail here (a small CI disk): the verdict follows the rule either way.
    assert.equal(body.status, overallStatus(body.checks))
    assert.equal(response.status(), body.status === 'fail' ? 503 : 200)
    assert.equal(overallStatus([...body.checks.filter((c) => c.ok), edges[0]]), 'degraded')
  })
})

test.group('Listener statistics per edge in the CMS and the CSV', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('per-node figures and columns beside the totals: the origin, then each edge by name', async ({
    client,
    assert,
  }) => {
    const station = await StationFactory.merge({ name: 'Radio Edges' }).create()
    const program = await ProgramFactory.merge({ stationId: station.id, title: 'Morning' }).create()
    const start = DateTime.utc().minus({ hours: 2 }).startOf('hour')
    const episode = await EpisodeFactory.merge({ programId: program.id, title: 'One' }).create()
    await DiffusionFactory.merge({ episodeId: episode.id, start }).create()
    const e1 = await makeEdge('ae-e1', '10.0.0.21', 8000)
    const e2 = await makeEdge('ae-e2', '10.0.0.22', 8000)
    // Every 10 min: origin 1, ae-e1 3, ae-e2 1 (ae-e2 does not answer at +20 min: no sample).
    for (let m = 0; m < 60; m += 10) {
      const at = sqlDateTime(start.plus({ minutes: m }))
      const row = (edgeId: number | null, listeners: number) => ({
        station_id: station.id,
        edge_id: edgeId,
        mount: '/a.mp3',
        at,
        listeners,
        peak: 9,
      })
      await db
        .table('listener_samples')
        .multiInsert([row(null, 1), row(e1.id, 3), ...(m === 20 ? [] : [row(e2.id, 1)])])
    }
    await db.table('listener_sessions').insert({
      station_id: station.id,
      edge_id: e1.id,
      mount: '/a.mp3',
      client_id: '7',
      ip_hash: 'x'.repeat(64),
      user_agent: 'VLC',
      started_at: sqlDateTime(start.plus({ minutes: 5 })),
      last_seen_at: sqlDateTime(start.plus({ minutes: 15 })),
      duration: 600,
      ended_at: null,
    })
    const admin = await UserFactory.apply('admin').create()

    const samples = await client
      .get('/staff/listeners.csv')
      .qs({ station: station.id, days: 1 })
      .loginAs(admin)
    const lines = samples.text().trim().split('\n')
    assert.equal(lines[0], 'time,listeners,origin,ae-e1,ae-e2')
    assert.match(lines[1], /,5,1,3,1$/)
    assert.match(lines[3], /,4,1,3,0$/)

    const audience = await client
      .get('/staff/listeners.csv')
      .qs({ station: station.id, days: 1, what: 'audience' })
      .loginAs(admin)
    const [header, first] = audience.text().trim().split('\n')
    assert.equal(
      header,
      'start,end,program,episode,average,peak,samples,origin average,origin peak,ae-e1 average,ae-e1 peak,ae-e2 average,ae-e2 peak'
    )
    assert.match(first, /,Morning,One,4\.8,5,6,1\.0,1,3\.0,3,1\.0,1$/)

    const page = await client
      .get('/staff/listeners')
      .qs({ station: station.id, days: 1 })
      .loginAs(admin)
    page.assertStatus(200)
    const html = page.text()
    assert.match(html, /<td>ae-e1<\/td><td>3<\/td><td>3\.0<\/td><td>3<\/td>/)
    assert.match(html, /<td>origin<\/td><td>1<\/td><td>1\.0<\/td><td>1<\/td>/)
    assert.match(html, /ae-e1 <small>\(1\)<\/small>/)
  })
})
