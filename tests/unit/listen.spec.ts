import { test } from '@japa/runner'
import {
  allowStreams,
  listenerRegion,
  orderEdges,
  sourcesThroughEdges,
  listenUrl,
  m3uPlaylist,
  plsPlaylist,
  streamSources,
  type ListenableOutput,
} from '#on_air/listen'

const ORIGIN = 'https://radio.example'
const output = (over: Partial<ListenableOutput>): ListenableOutput => ({
  host: '127.0.0.1',
  port: 8000,
  mount: '/radio.mp3',
  listenUrl: null,
  format: 'mp3',
  bitrate: 128,
  ...over,
})

test.group('Listening: stream sources and playlists', () => {
  test("a mount is heard at its listen URL (absolute, or a path on the public origin), else at Icecast's address", ({
    assert,
  }) => {
    assert.equal(listenUrl(output({}), ORIGIN), 'http://127.0.0.1:8000/radio.mp3')
    assert.equal(
      listenUrl(output({ listenUrl: '/stream/radio.mp3' }), ORIGIN),
      'https://radio.example/stream/radio.mp3'
    )
    assert.equal(
      listenUrl(output({ listenUrl: 'https://stream.example/radio.mp3' }), ORIGIN),
      'https://stream.example/radio.mp3'
    )
    // Written around the validator: never a script or a file link in the page.
    assert.isNull(listenUrl(output({ listenUrl: 'javascript:alert(1)' }), ORIGIN))
    assert.isNull(listenUrl(output({ listenUrl: 'file:///etc/passwd' }), ORIGIN))
    assert.isNull(listenUrl(output({ mount: null }), ORIGIN))
  })

  test('a player gets Opus, then Vorbis, then MP3, each with its type; the best bitrate first', ({
    assert,
  }) => {
    const sources = streamSources(
      [
        output({ mount: '/a.mp3', bitrate: 64 }),
        output({ mount: '/b.ogg', format: 'ogg', bitrate: 96 }),
        output({ mount: '/c.mp3', bitrate: 192 }),
        output({ mount: '/d.opus', format: 'opus', bitrate: 64 }),
      ],
      ORIGIN
    )
    assert.deepEqual(
      sources.map((s) => [s.url.replace('http://127.0.0.1:8000', ''), s.type]),
      [
        ['/d.opus', 'audio/ogg; codecs=opus'],
        ['/b.ogg', 'audio/ogg; codecs=vorbis'],
        ['/c.mp3', 'audio/mpeg'],
        ['/a.mp3', 'audio/mpeg'],
      ]
    )
  })

  test("a page's policy lets media load from its streams' origins, and only those", ({
    assert,
  }) => {
    const sources = streamSources(
      [
        output({}),
        output({ mount: '/r.ogg', format: 'ogg' }),
        output({ listenUrl: 'https://stream.example/r.opus', format: 'opus' }),
      ],
      ORIGIN
    )
    assert.equal(
      allowStreams("default-src 'self'; media-src 'self'; img-src 'self'", sources),
      "default-src 'self'; media-src 'self' https://stream.example http://127.0.0.1:8000; img-src 'self'"
    )
    assert.equal(allowStreams("default-src 'self'", sources), "default-src 'self'")
    assert.equal(allowStreams("media-src 'self'", []), "media-src 'self'")
  })

  test('M3U and PLS list MP3 first, one entry a line, whatever the station is called', ({
    assert,
  }) => {
    const sources = streamSources(
      [output({ mount: '/r.opus', format: 'opus', bitrate: 64 }), output({})],
      ORIGIN
    )
    const name = 'Radio\r\nFile2=http://evil.example/'
    assert.equal(
      m3uPlaylist(name, sources),
      '#EXTM3U\r\n' +
        '#EXTINF:-1,Radio File2=http://evil.example/ (MP3 128 kbit/s)\r\nhttp://127.0.0.1:8000/radio.mp3\r\n' +
        '#EXTINF:-1,Radio File2=http://evil.example/ (Opus 64 kbit/s)\r\nhttp://127.0.0.1:8000/r.opus\r\n'
    )
    const pls = plsPlaylist('Marée', sources).split('\r\n')
    assert.deepEqual(pls, [
      '[playlist]',
      'NumberOfEntries=2',
      'File1=http://127.0.0.1:8000/radio.mp3',
      'Title1=Marée (MP3 128 kbit/s)',
      'Length1=-1',
      'File2=http://127.0.0.1:8000/r.opus',
      'Title2=Marée (Opus 64 kbit/s)',
      'Length2=-1',
      'Version=2',
      '',
    ])
  })
})

test.group('Listening through edges (pure)', () => {
  const edges = [
    { name: 'a', base: 'http://a:8000', region: 'eu' },
    { name: 'b', base: 'https://b.example/', region: 'eu' },
    { name: 'c', base: 'http://c:8000', region: null },
  ]

  test("the listener's region first, each group in turn, the others after", ({ assert }) => {
    assert.deepEqual(
      orderEdges(edges, null, 0).map((e) => e.name),
      ['a', 'b', 'c']
    )
    assert.deepEqual(
      orderEdges(edges, null, 1).map((e) => e.name),
      ['b', 'c', 'a']
    )
    assert.deepEqual(
      orderEdges(edges, 'eu', 1).map((e) => e.name),
      ['b', 'a', 'c']
    )
    assert.deepEqual(
      orderEdges(edges, 'us', 5).map((e) => e.name),
      ['c', 'a', 'b']
    )
    assert.isNull(listenerRegion('<script>'))
    assert.equal(listenerRegion(' EU-West '), 'eu-west')
  })

  test('each edge relays each mount; the origin comes last, node by node in playlists', ({
    assert,
  }) => {
    const outputs = [
      {
        host: 'o',
        port: 8000,
        mount: '/r.ogg',
        listenUrl: null,
        format: 'ogg' as const,
        bitrate: 96,
      },
      {
        host: 'o',
        port: 8000,
        mount: '/r.mp3',
        listenUrl: null,
        format: 'mp3' as const,
        bitrate: 128,
      },
    ]
    const sources = sourcesThroughEdges(outputs, edges.slice(1), 'https://site.example')
    assert.deepEqual(
      sources.map((s) => s.url),
      [
        'https://b.example/r.ogg',
        'https://b.example/r.mp3',
        'http://c:8000/r.ogg',
        'http://c:8000/r.mp3',
        'http://o:8000/r.ogg',
        'http://o:8000/r.mp3',
      ]
    )
    const m3u = m3uPlaylist('R', sources)
      .split('\r\n')
      .filter((l) => l.startsWith('http'))
    assert.deepEqual(m3u, [
      'https://b.example/r.mp3',
      'https://b.example/r.ogg',
      'http://c:8000/r.mp3',
      'http://c:8000/r.ogg',
      'http://o:8000/r.mp3',
      'http://o:8000/r.ogg',
    ])
  })
})
