import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Diffusion from '#models/diffusion'
import { FailoverStack, type NodeName } from '#tests/failover_stack'
import { playoutChecks } from '#health/playout_checks'

/*
| A standby streamer on another host takes over, for real: two playout hosts
| in network namespaces on one MariaDB (tests/failover_stack.ts). On SQLite
| there is no standby (one host's file): `streamer` refuses ANTENNE_NODE
| there, which tests/functional/station_lease.spec.ts checks, so this group
| runs in the MariaDB pass of the suite.
*/
if (process.env.DB_CONNECTION === 'mysql')
  test.group('Standby streamer: another host takes over within seconds, nothing twice', (group) => {
    group.each.timeout(90_000)
    const stack = new FailoverStack(app.makePath('tmp/test/failover'))
    let diffusion: Diffusion

    /** The node's row in streamer_nodes, fresh (seen within 3 s). */
    const nodeRow = async (name: NodeName) => {
      const row = await db
        .from('streamer_nodes')
        .where('node', name)
        .where('station_id', stack.station.id)
        .first()
      return row
    }
    const standingBy = (name: NodeName) =>
      stack.waitFor(`${name} standing by, ready`, async () => {
        const row = await nodeRow(name)
        return row && row.role === 'standby' && Boolean(row.ready)
      })

    /** The diffusion on air from this node's Liquidsoap. */
    const airing = (name: NodeName) =>
      stack.waitFor(
        `the diffusion on air from ${name}`,
        async () => (await stack.status(name)).diffusionId === diffusion.id
      )

    /**
     * What every takeover must leave: the new node is the mount's source and
     * leads with a greater token, it airs the diffusion (resumed, not
     * restarted), the old node's outputs are off, the listener never
     * reconnected, one start and one on_air for the diffusion, no moment with
     * two sources.
     */
    async function tookOver(
      from: NodeName,
      to: NodeName,
      token: number,
      bytes: number,
      assert: any
    ) {
      await stack.waitFor(
        `${to} the source of the mount`,
        async () => (await stack.source()) === to
      )
      assert.equal(await stack.leader(), to)
      assert.isAbove(await stack.token(), token)
      await airing(to)
      const offset = Date.now() - diffusion.start.toMillis()
      // Resumed at its offset: what plays is far from the sound's beginning.
      const status = await stack.status(to)
      assert.isAbove(offset, 5000)
      assert.isBelow(status.remaining ?? 0, 150 - offset / 1000 + 3)
      assert.isFalse(await stack.outputsUp(from))
      await new Promise((r) => setTimeout(r, 2000))
      const rows = await stack.rowsOf(diffusion)
      assert.equal(rows.start, 1, JSON.stringify(rows.rows))
      assert.equal(rows.onAir, 1, JSON.stringify(rows.rows))
      assert.equal(stack.doubleSources, 0)
      assert.isFalse(stack.listener.ended)
      assert.equal(stack.listener.responses, 1)
      assert.isAbove(stack.listener.bytes - bytes, 30_000)
    }

    group.setup(async () => {
      try {
        await stack.setup()
        stack.startNode('play1')
        await stack.waitFor('play1 leading', async () => (await stack.leader()) === 'play1')
        await stack.waitFor('play1 on the mount', async () => (await stack.source()) === 'play1')
        await stack.waitFor('the edge relaying the mount', () => stack.edgeRelays())
        // The listener is on the edge, as listeners are.
        stack.listener.start()
        stack.startNode('play2')
        await standingBy('play2')
        stack.watch()
        diffusion = await stack.diffusion()
        await airing('play1')
      } catch (error) {
        // A set-up that fails half-way stops what it started.
        await stack.teardown()
        throw error
      }
      return () => stack.teardown()
    })

    test('a standby keeps its Liquidsoap warm and off the mount, its rotation held', async ({
      assert,
    }) => {
      const status = await stack.status('play2')
      assert.isTrue(status.held)
      assert.isAtMost(status.leaseUntil, Date.now())
      assert.isFalse(await stack.outputsUp('play2'))
      assert.isTrue(await stack.outputsUp('play1'))
      assert.equal(stack.doubleSources, 0)
      // doctor says who leads and that the standby is ready.
      const checks = await playoutChecks()
      const line = (name: string) =>
        checks.find((c) => c.name === `station ${stack.station.slug}: ${name}`)
      assert.isTrue(line('playout')?.ok)
      assert.match(line('playout')!.detail, /^play1 leads \(lease 1, expires in /)
      assert.isTrue(line('standby play2')?.ok)
      assert.match(line('standby play2')!.detail, /^ready to take over/)
    })

    test('kill -9 of the leader: the standby takes over, resumes the diffusion and logs nothing twice', async ({
      assert,
    }) => {
      await new Promise((r) => setTimeout(r, 3000))
      const token = await stack.token()
      const bytes = stack.listener.bytes
      stack.nodes.get('play1')!.process!.kill('SIGKILL')
      await tookOver('play1', 'play2', token, bytes, assert)
      // Back, it stands by: its Liquidsoap (still running, fenced) is adopted.
      stack.startNode('play1')
      await standingBy('play1')
      assert.equal(await stack.leader(), 'play2')
    })

    test('SIGSTOP of the leader (a stall): the standby takes over; the stalled one, resumed, stands by', async ({
      assert,
    }) => {
      const token = await stack.token()
      const bytes = stack.listener.bytes
      const stalled = stack.nodes.get('play2')!.process!
      stalled.kill('SIGSTOP')
      try {
        await tookOver('play2', 'play1', token, bytes, assert)
      } finally {
        stalled.kill('SIGCONT')
      }
      await standingBy('play2')
      assert.equal(await stack.leader(), 'play1')
      assert.isFalse(await stack.outputsUp('play2'))
      const rows = await stack.rowsOf(diffusion)
      assert.equal(rows.start, 1)
      assert.equal(rows.onAir, 1)
      assert.equal(stack.doubleSources, 0)
    })

    test('the leader cut from the database: its outputs stop before its lease ends, the standby takes over', async ({
      assert,
    }) => {
      const token = await stack.token()
      const bytes = stack.listener.bytes
      const relay = stack.nodes.get('play1')!.relay
      relay.cut('blackhole')
      try {
        await tookOver('play1', 'play2', token, bytes, assert)
      } finally {
        relay.restore()
      }
      await standingBy('play1')
      assert.equal(await stack.leader(), 'play2')
      // What play1 saw while cut off is not the station's log.
      const rows = await stack.rowsOf(diffusion)
      assert.equal(rows.start, 1)
      assert.equal(rows.onAir, 1)
      assert.equal(stack.doubleSources, 0)
      assert.isFalse(stack.listener.ended)
    })

    test("each takeover and each lost lease is an event, the cut-off node's once it reaches the database again", async ({
      assert,
    }) => {
      const events = async (type: string) =>
        (await db.from('events').where('type', type).where('station', stack.station.slug)).map(
          (row) => JSON.parse(row.payload)
        )
      const lost = await stack.waitFor('the lost leases told', async () => {
        const found = await events('streamer_lost_lease')
        return found.length >= 2 && found
      })
      assert.sameDeepMembers(
        lost.map((e: any) => [e.node, e.reason]),
        [
          ['play2', 'taken'],
          ['play1', 'unreachable'],
        ]
      )
      const took = await events('streamer_took_over')
      assert.deepEqual(
        took.map((e: any) => [e.node, e.token, e.resumed]),
        [
          ['play1', 1, true],
          ['play2', 2, true],
          ['play1', 3, true],
          ['play2', 4, true],
        ]
      )
    })
  })
