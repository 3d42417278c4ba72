import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { EpisodeFactory } from '#database/factories/episode_factories'
import { UserFactory } from '#database/factories/user_factory'
import { addEdge } from '#edges/edge_registry'

/** What an Edge tag looks like when Edge did not know it and printed it as text. */
const UNRENDERED = /@!?[a-zA-Z][\w.]*\(|@end\b|\{\{|\}\}/

test.group('Staff pages render every component', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('no page shows a template tag as text; the program, episode and station pages have their image form', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const station = await StationFactory.merge({ timezone: 'Europe/Brussels' }).create()
    const program = await ProgramFactory.merge({ stationId: station.id }).create()
    const episode = await EpisodeFactory.merge({ programId: program.id }).create()
    const { edge } = await addEdge({ name: 'render-edge', host: 'edge.example', port: 8000 })
    const pages = {
      [`/staff/programs/${program.id}`]: `/staff/programs/${program.id}/image?_csrf=`,
      [`/staff/episodes/${episode.id}`]: `/staff/episodes/${episode.id}/image?_csrf=`,
      [`/staff/stations/${station.id}`]: `/staff/stations/${station.id}/image?_csrf=`,
      '/staff': null,
      '/staff/programs': null,
      '/staff/stations': null,
      '/staff/users': null,
      '/staff/calendar': null,
      '/staff/events': null,
      '/staff/edges': null,
      '/staff/edges/create': null,
      [`/staff/edges/${edge.id}`]: null,
      '/staff/tokens': null,
      [`/staff/programs/${program.id}/sounds`]: null,
      [`/staff/stations/${station.id}/radiovis`]: null,
      [`/staff/stations/${station.id}/live`]: null,
      '/staff/live-key': null,
      [`/staff/users/${admin.id}`]: null,
    }
    for (const [url, form] of Object.entries(pages)) {
      const page = await client.get(url).loginAs(admin)
      page.assertStatus(200)
      const body = page.text().replace(/<script[\s\S]*?<\/script>/g, '')
      assert.notMatch(body, UNRENDERED, url)
      if (form) {
        assert.include(body, `action="${form}`, url)
        assert.include(body, 'type="file"', url)
      }
    }
  })
})
