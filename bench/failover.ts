/*
| npm run bench:failover — a standby streamer taking over, for real, many
| times. Prints, asserts nothing. Needs root (network namespaces) and MariaDB
| (127.0.0.1:3306, as bin/test-all): it uses its own database,
| antenne_bench_failover.
|
| The stack of tests/failover_stack.ts: an origin Icecast, an edge relaying
| it and two playout hosts, each in a namespace of its own, one MariaDB; the
| listener is on the edge. One long diffusion airs
| throughout, and the leader is faulted BENCH_TAKEOVERS (10) times each way:
|   kill -9 of its streamer, SIGSTOP of its streamer (a stall), and a
|   partition between it and the database (packets dropped).
| Figures per kind: takeover time, from the fault to the other host being
| the mount's source at Icecast (median, max; goal <= 5 s); the audio gap a
| listener hears, from its decoded bytes (median, max); duplicate log rows
| of the diffusion (goal 0); double-source incidents, both hosts' outputs
| connected at once, sampled every 50 ms (goal 0); listener disconnects
| (goal 0).
*/
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { bootApp, root } from './boot.js'
import { SilenceMeter } from './silence_meter.js'
import { sleep, median, seconds } from './figures.js'

const run = promisify(execFile)
const TAKEOVERS = Number(process.env.BENCH_TAKEOVERS ?? 10)
const KINDS = ['kill -9', 'SIGSTOP', 'partition'] as const

Object.assign(process.env, {
  DB_CONNECTION: 'mysql',
  MYSQL_HOST: '127.0.0.1',
  MYSQL_PORT: '3306',
  MYSQL_USER: process.env.MYSQL_USER ?? 'antenne',
  MYSQL_PASSWORD: process.env.MYSQL_PASSWORD ?? 'antenne',
  MYSQL_DB_NAME: 'antenne_bench_failover',
  ANTENNE_STATIONS_DIR: join(root, 'tmp/bench-failover/stations'),
  LOG_LEVEL: 'warn',
})
await run('bash', [join(root, 'bin/prepare-mysql')], { env: process.env })
const app = await bootApp()

await app.start(async () => {
  const { default: ace } = await import('@adonisjs/core/services/ace')
  const { FailoverStack, ORIGIN_PORT } = await import('#tests/failover_stack')
  const { HeldListener } = await import('#tests/on_air_stack')
  await ace.exec('migration:fresh', ['--force'])

  // Long enough for every takeover to land in the one diffusion.
  const stack = new FailoverStack(join(root, 'tmp/bench-failover'), 'bf', 79, 60 * 20)
  // The listener's audio, decoded as it comes: silences are the gaps.
  const meter = new SilenceMeter()
  const gapAfter = (wall: number) => meter.gapAfter(wall)

  const figures = new Map(
    KINDS.map((kind) => [kind, { takeover: [] as number[], at: [] as number[] }])
  )
  try {
    await stack.setup()
    // The listener is on the edge, as listeners are.
    stack.listener = new HeldListener(stack.edge.ip, ORIGIN_PORT, stack.mount, (chunk) =>
      meter.write(chunk)
    )
    stack.startNode('play1')
    await stack.waitFor(
      'play1 on the mount',
      async () => (await stack.source()) === 'play1',
      60_000
    )
    await stack.waitFor('the edge relaying the mount', () => stack.edgeRelays())
    stack.listener.start()
    stack.startNode('play2')
    const standingBy = (name: 'play1' | 'play2') =>
      stack.waitFor(
        `${name} standing by`,
        async () => {
          const { default: db } = await import('@adonisjs/lucid/services/db')
          const row = await db
            .from('streamer_nodes')
            .where('node', name)
            .where('station_id', stack.station.id)
            .first()
          return row?.role === 'standby' && Boolean(row.ready)
        },
        60_000
      )
    await standingBy('play2')
    stack.watch()
    const diffusion = await stack.diffusion()
    await stack.waitFor('the diffusion on air', async () => {
      const leader = await stack.leader()
      return leader !== null && (await stack.status(leader)).diffusionId === diffusion.id
    })
    console.log(
      `bench:failover — ${TAKEOVERS} takeovers of each kind (${KINDS.join(', ')}), two playout hosts in namespaces on one MariaDB`
    )
    for (let i = 0; i < TAKEOVERS; i++) {
      for (const kind of KINDS) {
        await sleep(3000)
        const from = (await stack.leader())!
        const to = from === 'play1' ? 'play2' : 'play1'
        const node = stack.nodes.get(from)!
        const at = Date.now()
        if (kind === 'kill -9') node.process!.kill('SIGKILL')
        else if (kind === 'SIGSTOP') node.process!.kill('SIGSTOP')
        else node.relay.cut('blackhole')
        await stack.waitFor(`${to} on the mount`, async () => (await stack.source()) === to)
        figures.get(kind)!.takeover.push(Date.now() - at)
        figures.get(kind)!.at.push(at)
        // The faulted host comes back and stands by.
        if (kind === 'kill -9') stack.startNode(from)
        else if (kind === 'SIGSTOP') node.process!.kill('SIGCONT')
        else node.relay.restore()
        await standingBy(from)
      }
    }
    await sleep(5000)
    const rows = await stack.rowsOf(diffusion)
    for (const kind of KINDS) {
      const { takeover, at } = figures.get(kind)!
      const gaps = at.map(gapAfter)
      console.log(
        `${kind.padEnd(9)} takeover (s): median ${seconds(median(takeover))}, max ${seconds(Math.max(...takeover))} (goal <= 5); audio gap at the listener (s): median ${seconds(median(gaps))}, max ${seconds(Math.max(...gaps))}`
      )
    }
    console.log(
      `duplicate rows of the diffusion: ${Math.max(0, rows.start - 1) + Math.max(0, rows.onAir - 1)} (${rows.start} start, ${rows.onAir} on_air; goal 0)`
    )
    console.log(
      `double-source incidents: ${stack.doubleSourceIncidents} (${stack.doubleSources} samples of 50 ms; goal 0)`
    )
    console.log(
      `listener disconnects: ${stack.listener.ended ? 1 : 0}, responses ${stack.listener.responses} (goal 0 and 1)`
    )
  } finally {
    meter.stop()
    await stack.teardown()
  }
  await app.terminate()
})
