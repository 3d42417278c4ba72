import { test } from '@japa/runner'
import { crossOriginAllowed, isSessionless, parseCorsOrigins } from '#feeds/public_reads'

test.group(
  'Public reads: which requests other sites may make, and which go without a session',
  () => {
    test('reads of the API, feeds, media and the push; never the CMS nor the writes', ({
      assert,
    }) => {
      assert.isTrue(crossOriginAllowed('/api/v1/now', 'GET'))
      assert.isTrue(crossOriginAllowed('/api/v1/programs', 'OPTIONS', 'GET'))
      assert.isTrue(crossOriginAllowed('/programs/talk/podcast.rss', 'HEAD'))
      assert.isTrue(crossOriginAllowed('/listen.m3u', 'GET'))
      assert.isTrue(crossOriginAllowed('/listen.pls', 'OPTIONS', 'GET'))
      assert.isTrue(crossOriginAllowed('/__transmit/subscribe', 'OPTIONS', 'POST'))
      assert.isFalse(crossOriginAllowed('/api/v1/diffusions/1', 'OPTIONS', 'PATCH'))
      assert.isFalse(crossOriginAllowed('/api/v1/programs/1/episodes', 'POST'))
      assert.isFalse(crossOriginAllowed('/staff/login', 'GET'))
      assert.isFalse(crossOriginAllowed('/programs/talk', 'GET'))
      // A preflight that names no method is no preflight.
      assert.isFalse(crossOriginAllowed('/api/v1/now', 'OPTIONS'))
    })

    test('the sessionless are the public reads and the token API; pages and the CMS keep their session', ({
      assert,
    }) => {
      assert.isTrue(isSessionless('/api/v1/now', 'GET'))
      assert.isTrue(isSessionless('/timetable.ics', 'GET'))
      assert.isTrue(isSessionless('/podcasts/3', 'HEAD'))
      assert.isTrue(isSessionless('/listen.m3u', 'GET'))
      assert.isTrue(isSessionless('/listen.pls', 'GET'))
      assert.isTrue(isSessionless('/__transmit/events', 'GET'))
      assert.isTrue(isSessionless('/api/v1/diffusions/1', 'PATCH'))
      assert.isFalse(isSessionless('/', 'GET'))
      assert.isFalse(isSessionless('/staff/diffusions/1', 'POST'))
      assert.isFalse(isSessionless('/staff/login', 'POST'))
    })

    test('ANTENNE_CORS_ORIGINS: any by default, a list, or none', ({ assert }) => {
      assert.isTrue(parseCorsOrigins(undefined))
      assert.isTrue(parseCorsOrigins(' * '))
      assert.isFalse(parseCorsOrigins('none'))
      assert.deepEqual(parseCorsOrigins('https://a.example/, https://b.example'), [
        'https://a.example',
        'https://b.example',
      ])
    })
  }
)
