import { test } from '@japa/runner'
import { isPublicHost, publicOrigin, stationHostNames } from '#feeds/public_origin'

test.group('Public origin of links and the hosts served', () => {
  test('links are on the public URL whatever host the request names', ({ assert }) => {
    assert.equal(
      publicOrigin('https://radio.example/', 'evil.example', null),
      'https://radio.example'
    )
    assert.equal(
      publicOrigin('https://radio.example', null, 'radio-b.example'),
      'https://radio.example'
    )
    assert.equal(
      publicOrigin('http://127.0.0.1:3333', 'evil.example', 'radio-b.example'),
      'http://127.0.0.1:3333'
    )
  })

  test("a request by one of the station's hosts gets that host, with the public scheme and port", ({
    assert,
  }) => {
    assert.equal(
      publicOrigin('https://radio.example', 'Radio-B.example', 'radio-b.example  b.example'),
      'https://radio-b.example'
    )
    assert.equal(
      publicOrigin('http://127.0.0.1:3333', 'b.example', 'radio-b.example b.example'),
      'http://b.example:3333'
    )
  })

  test("a station's hosts are separated by spaces, as the station middleware reads them", ({
    assert,
  }) => {
    assert.deepEqual(stationHostNames(' A.example\tb.example\n'), ['a.example', 'b.example'])
    assert.deepEqual(stationHostNames(null), [])
  })

  test("only the public host and the stations' hosts are served", ({ assert }) => {
    assert.isTrue(isPublicHost('radio.example', 'https://radio.example', []))
    assert.isTrue(isPublicHost('RADIO.example', 'https://radio.example:8443', []))
    assert.isTrue(isPublicHost('radio-b.example', 'https://radio.example', ['radio-b.example']))
    assert.isFalse(isPublicHost('evil.example', 'https://radio.example', ['radio-b.example']))
    assert.isFalse(isPublicHost('radio.example.evil.example', 'https://radio.example', []))
    assert.isFalse(isPublicHost(null, 'https://radio.example', []))
    assert.isFalse(isPublicHost('', 'https://radio.example', ['']))
  })
})

test.group('Trusted proxies', () => {
  test('none by default: X-Forwarded-* from loopback are not believed', async ({ assert }) => {
    const { http, trustedProxies } = await import('#config/app')
    assert.deepEqual(trustedProxies, [])
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1'])
      assert.isFalse(http.trustProxy!(address, 0), address)
  })
})
