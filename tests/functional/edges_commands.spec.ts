import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { StationFactory } from '#database/factories/programme_factories'
import Edge from '#models/edge'
import EdgesAdd from '#commands/edges_add'
import EdgesList from '#commands/edges_list'
import EdgesRemove from '#commands/edges_remove'
import { runCommand } from '#tests/helpers'

const count = async () => Number((await Edge.query().count('* as n'))[0].$extras.n)

test.group('edges:add, edges:list, edges:remove', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an edge is added with passwords made and shown once, listed without them, deactivated, removed', async ({
    assert,
  }) => {
    const station = await StationFactory.create()
    const added = await runCommand(EdgesAdd, [
      'paris-1',
      '--host=10.0.0.11',
      '--port=8000',
      '--region=EU-West',
      '--public-url=https://paris-1.radio.example',
      `--station=${station.slug}`,
    ])
    assert.equal(added.exitCode, 0, added.output)
    const edge = await Edge.query().where('name', 'paris-1').preload('stations').firstOrFail()
    assert.equal(edge.region, 'eu-west')
    assert.isFalse(edge.allStations)
    assert.deepEqual(
      edge.stations.map((s) => s.slug),
      [station.slug]
    )
    assert.lengthOf(edge.relayPassword, 32)
    assert.include(added.output, `relay password: ${edge.relayPassword}`)
    assert.include(added.output, `admin password (user admin): ${edge.adminPassword}`)

    const listed = await runCommand(EdgesList, ['--json'])
    assert.equal(listed.exitCode, 0)
    assert.deepEqual(JSON.parse(listed.output), [
      {
        name: 'paris-1',
        host: '10.0.0.11',
        port: 8000,
        region: 'eu-west',
        public_url: 'https://paris-1.radio.example',
        active: true,
        stations: [station.slug],
      },
    ])
    assert.notInclude(listed.output, edge.relayPassword)
    assert.notInclude((await runCommand(EdgesList, [])).output, edge.adminPassword)

    assert.equal((await runCommand(EdgesRemove, ['paris-1', '--deactivate'])).exitCode, 0)
    assert.isFalse((await Edge.findByOrFail('name', 'paris-1')).active)
    assert.equal((await runCommand(EdgesRemove, ['paris-1'])).exitCode, 0)
    assert.equal(await count(), 0)
  })

  test('passwords from the environment, never from a flag; too short is refused', async ({
    assert,
  }) => {
    process.env.ANTENNE_EDGE_RELAY_PASSWORD = 'relay-secret-1'
    process.env.ANTENNE_EDGE_ADMIN_PASSWORD = 'short'
    try {
      const refused = await runCommand(EdgesAdd, ['e1', '--host=e1.example', '--port=8000'])
      assert.equal(refused.exitCode, 1)
      assert.match(refused.output, /ANTENNE_EDGE_ADMIN_PASSWORD has at least 8 characters/)
      assert.equal(await count(), 0)
      process.env.ANTENNE_EDGE_ADMIN_PASSWORD = 'admin-secret-1'
      const added = await runCommand(EdgesAdd, ['e1', '--host=e1.example', '--port=8000'])
      assert.equal(added.exitCode, 0, added.output)
      const edge = await Edge.findByOrFail('name', 'e1')
      assert.equal(edge.relayPassword, 'relay-secret-1')
      assert.equal(edge.adminPassword, 'admin-secret-1')
      assert.isTrue(edge.allStations)
    } finally {
      delete process.env.ANTENNE_EDGE_RELAY_PASSWORD
      delete process.env.ANTENNE_EDGE_ADMIN_PASSWORD
    }
  })

  test('hostile or wrong input: one clear error, exit 1, nothing added or removed', async ({
    assert,
  }) => {
    await runCommand(EdgesAdd, ['kept', '--host=kept.example', '--port=8000'])
    const cases: Array<[string[], RegExp]> = [
      [['kept', '--host=x.example', '--port=8000'], /an edge named "kept" exists already/],
      [['Bad Name', '--host=x.example', '--port=8000'], /name/],
      [['e2', '--host=x.example/<relay>', '--port=8000'], /host/],
      [['e2', '--host=x.example', '--port=70000'], /port/],
      [['e2', '--host=x.example', '--port=8000', '--public-url=javascript:alert(1)'], /public/i],
      [['e2', '--host=x.example', '--port=8000', '--station=nope'], /unknown station "nope"/],
      [['e2', '--host=x.example', '--port=8000', '--region=a b'], /region/],
    ]
    for (const [args, message] of cases) {
      const result = await runCommand(EdgesAdd, args)
      assert.equal(result.exitCode, 1, args.join(' '))
      assert.match(result.output, message)
    }
    assert.equal(await count(), 1)
    const unknown = await runCommand(EdgesRemove, ['nope'])
    assert.equal(unknown.exitCode, 1)
    assert.match(unknown.output, /unknown edge "nope"/)
    assert.equal(await count(), 1)
  })
})
