import { test } from '@japa/runner'
import { edgeConfig, edgeFileMount, fallbackMount } from '#streamer/icecast_config'
import { EdgeWatch, edgeVerdict, isRelayClient, relayLag } from '#edges/edge_health'
import { degradeWhenOthersServe, edgeLine } from '#edges/edge_checks'
import { parseOrigin } from '#edges/edge_config'
import { listenersAt, nodeFigures, splitByNode } from '#stats/listener_report'
import { parseStatusJson } from '#stats/icecast_status'

const edge = {
  name: 'paris-1',
  port: 8000,
  bindAddress: '10.0.0.2',
  hostname: 'edge.example',
  relayPassword: 'relay<&>pw',
  adminUser: 'ops',
  adminPassword: 'adminpw1',
  dir: '/var/lib/edge',
  asRoot: true,
}
const demo = {
  mount: '/demo.mp3',
  password: 'origin-only',
  format: 'mp3' as const,
  bitrate: 128,
  station: 'Demo',
  upstream: { host: 'origin.example', port: 8001 },
}

test.group('An edge icecast.xml', () => {
  test('each mount and its fallback are relayed from the origin for ever, not on demand', ({
    assert,
  }) => {
    const text = edgeConfig(edge, [demo, { ...demo, mount: '/demo.ogg', format: 'ogg' }])
    const relays = [...text.matchAll(/<relay>([\s\S]*?)<\/relay>/g)].map((m) => m[1])
    assert.lengthOf(relays, 4)
    for (const [i, mount] of [
      '/demo.mp3',
      '/demo-fallback.mp3',
      '/demo.ogg',
      '/demo-fallback.ogg',
    ].entries()) {
      assert.include(relays[i], '<server>origin.example</server><port>8001</port>')
      assert.include(relays[i], `<mount>${mount}</mount><local-mount>${mount}</local-mount>`)
      assert.include(relays[i], '<on-demand>0</on-demand>')
    }
  })

  test('local mounts fall back as at the origin, then to a local file; override brings listeners back', ({
    assert,
  }) => {
    const text = edgeConfig(edge, [demo])
    assert.match(
      text,
      /<mount-name>\/demo\.mp3<\/mount-name>[\s\S]*?<fallback-mount>\/demo-fallback\.mp3<\/fallback-mount>\s*<fallback-override>1<\/fallback-override>/
    )
    assert.match(
      text,
      /<mount-name>\/demo-fallback\.mp3<\/mount-name>[\s\S]*?<fallback-mount>\/demo-edge\.mp3<\/fallback-mount>\s*<fallback-override>1<\/fallback-override>\s*<hidden>1<\/hidden>/
    )
    assert.include(text, '<webroot>/var/lib/edge/web</webroot>')
    assert.include(text, '<master-update-interval>5</master-update-interval>')
    assert.equal(edgeFileMount('/live'), '/live-edge')
    assert.equal(fallbackMount('/a/b.ogg'), '/a/b-fallback.ogg')
  })

  test("the edge's own passwords and admin account, escaped; never the origin's source password", ({
    assert,
  }) => {
    const text = edgeConfig(edge, [demo])
    assert.include(text, '<source-password>relay&lt;&amp;&gt;pw</source-password>')
    assert.include(text, '<relay-password>relay&lt;&amp;&gt;pw</relay-password>')
    assert.include(text, '<admin-user>ops</admin-user>')
    assert.include(text, '<admin-password>adminpw1</admin-password>')
    assert.notInclude(text, 'origin-only')
    assert.include(text, '<bind-address>10.0.0.2</bind-address>')
    assert.include(text, '<changeowner><user>icecast2</user>')
    assert.notInclude(edgeConfig({ ...edge, asRoot: false }, [demo]), 'changeowner')
  })

  test('the origin is host:port; anything else is refused', ({ assert }) => {
    assert.deepEqual(parseOrigin('10.77.0.10:8000'), { host: '10.77.0.10', port: 8000 })
    assert.deepEqual(parseOrigin('[fd00::1]:8000'), { host: 'fd00::1', port: 8000 })
    for (const bad of ['origin', 'origin:0', 'origin:99999', 'a/b:80', '<x>:80', ':80'])
      assert.throws(() => parseOrigin(bad), /invalid origin/)
  })
})

const status = (mounts: Array<Record<string, unknown>>) =>
  parseStatusJson(
    JSON.stringify({
      icestats: {
        source: mounts.map((m) => ({ listenurl: `http://h:1${m.mount}`, listeners: 0, ...m })),
      },
    })
  )

test.group('Edge health rules', () => {
  test('an edge serves when it answers and has a source on every mount it should relay', ({
    assert,
  }) => {
    const up = status([{ mount: '/a.mp3' }, { mount: '/b.mp3' }])
    assert.deepEqual(edgeVerdict(['/a.mp3', '/b.mp3'], up), { ok: true, reason: null, missing: [] })
    assert.deepEqual(edgeVerdict(['/a.mp3', '/c.mp3'], up), {
      ok: false,
      reason: 'does not relay /c.mp3',
      missing: ['/c.mp3'],
    })
    assert.deepEqual(edgeVerdict(['/a.mp3'], new Error('ECONNREFUSED')), {
      ok: false,
      reason: 'does not answer (ECONNREFUSED)',
      missing: ['/a.mp3'],
    })
  })

  test("lag: how long after the origin's source began the edge's relay joined; 0 when connected throughout", ({
    assert,
  }) => {
    const [origin] = status([{ mount: '/a', stream_start_iso8601: '2026-12-07T10:00:00+0000' }])
    const [late] = status([{ mount: '/a', stream_start_iso8601: '2026-12-07T10:00:07+0000' }])
    const [early] = status([{ mount: '/a', stream_start_iso8601: '2026-12-07T09:00:00+0000' }])
    assert.equal(relayLag(origin, late), 7)
    assert.equal(relayLag(origin, early), 0)
    assert.isNull(relayLag(origin, { mount: '/a', listeners: 0, peak: 0 }))
    assert.isNull(relayLag(undefined, late))
  })

  test("an edge's relay at the origin is recognised by its address or by Icecast's user agent", ({
    assert,
  }) => {
    const edges = new Set(['10.77.0.21'])
    const client = (ip: string, userAgent: string | null) => ({
      id: '1',
      ip,
      userAgent,
      connected: 1,
    })
    assert.isTrue(isRelayClient(client('10.77.0.21', 'anything'), edges))
    assert.isTrue(isRelayClient(client('::ffff:10.77.0.21', null), edges))
    assert.isTrue(isRelayClient(client('192.0.2.9', 'Icecast 2.4.4'), edges))
    assert.isFalse(isRelayClient(client('10.77.0.30', 'curl/7.88.1'), edges))
    assert.isFalse(isRelayClient(client('10.77.0.30', 'VLC/3.0 (icecast player)'), edges))
    assert.isFalse(isRelayClient(client('10.77.0.30', null), edges))
  })

  test('hysteresis: down after two failed polls in a row, up after two good ones, nothing at first', ({
    assert,
  }) => {
    const watch = new EdgeWatch(2)
    const ok = { ok: true, reason: null, missing: [] }
    const ko = { ok: false, reason: 'does not answer (ECONNREFUSED)', missing: [] }
    assert.deepEqual(
      [ok, ko, ok, ko, ko, ko, ok, ko, ok, ok, ok].map((v) => watch.observe('e', v)?.type ?? null),
      [null, null, null, null, 'edge_down', null, null, null, null, 'edge_up', null]
    )
    assert.deepEqual(watch.observe('other', ko), null)
    assert.deepEqual(watch.observe('other', ko), {
      type: 'edge_down',
      reason: 'does not answer (ECONNREFUSED)',
    })
    assert.isTrue(watch.isDown('other'))
    assert.isFalse(watch.isDown('e'))
  })

  test('a failing edge is degraded while another serves; when none does, the failure is real', ({
    assert,
  }) => {
    const origins = new Map([['http://o:1', status([{ mount: '/a', title: 'Song' }])]])
    const good = edgeLine(
      { name: 'e1', base: 'http://e1:1' },
      [{ mount: '/a', origin: 'http://o:1' }],
      status([{ mount: '/a', listeners: 3, title: 'Song' }]),
      origins
    )
    assert.deepInclude(good, { name: 'edge e1', ok: true })
    assert.match(good.detail, /relays 1 mount\(s\), 3 listener\(s\); \/a lag unknown$/)
    const bad = edgeLine(
      { name: 'e2', base: 'http://e2:1' },
      [{ mount: '/a', origin: 'http://o:1' }],
      new Error('ECONNREFUSED'),
      origins
    )
    assert.deepInclude(bad, { ok: false, detail: 'http://e2:1 does not answer (ECONNREFUSED)' })
    assert.deepEqual(
      degradeWhenOthersServe([good, bad]).map((c) => c.degraded ?? false),
      [false, true]
    )
    assert.deepEqual(
      degradeWhenOthersServe([bad, bad]).map((c) => c.degraded ?? false),
      [false, false]
    )
  })
})

test.group('Listeners per node', () => {
  test('samples split per node, the origin first; each node summed per instant', ({ assert }) => {
    const nodes = splitByNode([
      { at: 2, listeners: 1, node: 'paris' },
      { at: 1, listeners: 4, node: 'origin' },
      { at: 1, listeners: 2, node: 'berlin' },
      { at: 1, listeners: 1, node: 'paris' },
      { at: 1, listeners: 1, node: 'origin' },
    ])
    assert.deepEqual([...nodes.keys()], ['origin', 'berlin', 'paris'])
    assert.deepEqual(nodes.get('origin'), [{ at: 1, listeners: 5 }])
    assert.deepEqual(nodes.get('paris'), [
      { at: 1, listeners: 1 },
      { at: 2, listeners: 1 },
    ])
    assert.deepEqual(nodeFigures(nodes.get('paris')!), { now: 1, average: 1, peak: 1 })
    assert.deepEqual(nodeFigures([]), { now: 0, average: 0, peak: 0 })
    assert.equal(listenersAt(nodes.get('berlin')!, 2), 0)
  })
})

test.group('XML comments', () => {
  test('a station or edge name with "--" cannot break the comment Icecast parses', ({ assert }) => {
    const text = edgeConfig(edge, [{ ...demo, station: 'Radio -- Libre --->' }])
    for (const comment of text.matchAll(/<!--([\s\S]*?)-->/g)) assert.notInclude(comment[1], '--')
  })
})

test.group('Icecast 2.4.4 without any source', () => {
  test('its broken status JSON (icestats without its brace) is an Icecast with no mount on air', ({
    assert,
  }) => {
    const broken =
      '{"icestats":"admin":"ops@localhost","host":"127.77.0.9","location":"Antenne","server_id":"Icecast 2.4.4","server_start":"Mon, 07 Dec 2026 11:43:08 +0000","dummy":null}}'
    assert.deepEqual(parseStatusJson(broken), [])
    assert.deepEqual(edgeVerdict([], parseStatusJson(broken)), {
      ok: true,
      reason: null,
      missing: [],
    })
    assert.throws(() => parseStatusJson('<html>'), /not JSON/)
  })
})
