import { test } from '@japa/runner'
import { parseListClients, parseStatusJson } from '#stats/icecast_status'
import { audienceOf, bucketSamples, csvField, sumByInstant } from '#stats/listener_report'
import { lineChart, niceMax } from '#stats/svg_chart'

test.group('Icecast status', () => {
  test('status-json.xsl: one source or several, mounts from their listen URL; none without sources', ({
    assert,
  }) => {
    const one =
      '{"icestats":{"source":{"listener_peak":3,"listeners":1,"listenurl":"http://127.0.0.1:8021/x.mp3"}}}'
    assert.deepEqual(parseStatusJson(one), [
      { mount: '/x.mp3', listeners: 1, peak: 3, streamStart: null, title: null },
    ])
    const two =
      '{"icestats":{"source":[{"listeners":2,"listener_peak":2,"listenurl":"http://h:1/a.mp3"},{"listeners":0,"listener_peak":5,"listenurl":"http://h:1/b.ogg"}]}}'
    assert.deepEqual(
      parseStatusJson(two).map((m) => m.mount),
      ['/a.mp3', '/b.ogg']
    )
    assert.deepEqual(parseStatusJson('{"icestats":{"admin":"x"}}'), [])
    assert.throws(() => parseStatusJson('<html>'), /not JSON/)
  })

  test('listclients: id, address, user agent (unescaped) and seconds connected', ({ assert }) => {
    const xml =
      '<?xml version="1.0"?><icestats><source mount="/x.mp3"><Listeners>2</Listeners><listener><IP>127.0.0.1</IP><UserAgent>VLC &amp; co</UserAgent><Connected>12</Connected><ID>2</ID></listener><listener><IP>::1</IP><UserAgent></UserAgent><Connected>3</Connected><ID>7</ID></listener></source></icestats>'
    assert.deepEqual(parseListClients(xml), [
      { id: '2', ip: '127.0.0.1', userAgent: 'VLC & co', connected: 12 },
      { id: '7', ip: '::1', userAgent: null, connected: 3 },
    ])
    assert.deepEqual(parseListClients('<icestats><source mount="/x"></source></icestats>'), [])
  })
})

test.group('Listener reports', () => {
  test('mounts polled together are summed; buckets average and keep the max; empty buckets are 0', ({
    assert,
  }) => {
    const samples = sumByInstant([
      { at: 0, listeners: 1 },
      { at: 0, listeners: 2 },
      { at: 10, listeners: 5 },
      { at: 30, listeners: 1 },
    ])
    assert.deepEqual(samples, [
      { at: 0, listeners: 3 },
      { at: 10, listeners: 5 },
      { at: 30, listeners: 1 },
    ])
    assert.deepEqual(bucketSamples(samples, 0, 40, 2), [
      { from: 0, average: 4, max: 5 },
      { from: 20, average: 1, max: 1 },
    ])
    assert.deepEqual(
      bucketSamples([], 0, 40, 2).map((b) => b.max),
      [0, 0]
    )
  })

  test('the audience of a diffusion counts only the samples taken while it aired', ({ assert }) => {
    const samples = [
      { at: 5, listeners: 100 },
      { at: 10, listeners: 4 },
      { at: 20, listeners: 8 },
      { at: 30, listeners: 100 },
    ]
    assert.deepEqual(audienceOf({ start: 10, end: 30 }, samples), {
      average: 6,
      peak: 8,
      samples: 2,
    })
    assert.isNull(audienceOf({ start: 40, end: 50 }, samples))
  })

  test('CSV fields are quoted when needed, and formulas are defused', ({ assert }) => {
    assert.equal(csvField('Talk, the show'), '"Talk, the show"')
    assert.equal(csvField('say "hi"'), '"say ""hi"""')
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`)
    assert.equal(csvField(null), '')
    assert.equal(csvField(12), '12')
  })
})

test.group('SVG chart', () => {
  test('nice maxima are 1, 2 or 5 times a power of ten', ({ assert }) => {
    assert.deepEqual([0, 1, 3, 7, 12, 49, 51, 999].map(niceMax), [1, 1, 5, 10, 20, 50, 100, 1000])
  })

  test('the chart draws each series as a path and escapes its text', ({ assert }) => {
    const svg = lineChart(
      [
        {
          label: '<peak>',
          className: 'max',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 4 },
          ],
        },
      ],
      { title: 'A & B', xLabel: (x) => `t${x}` }
    )
    assert.match(svg, /^<svg [^>]*role="img" aria-label="A &amp; B"/)
    assert.include(svg, '<path class="max" d="M40.0,212.0L790.0,')
    assert.include(svg, '&lt;peak&gt;')
    assert.notInclude(svg, '<peak>')
    assert.include(svg, '>t10<')
  })
})
