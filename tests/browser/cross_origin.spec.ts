/// <reference lib="dom" />
/*
| A widget on a partner's site, in Chromium: a page of another origin reads
| now playing from the API, opens the push stream, subscribes, and is told
| of the next song, as a real embed would; then Antenne's own widget
| (resources/public/widget.js), pasted as its README says.
*/
import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { Browser } from 'playwright-core'
import { StationFactory } from '#database/factories/programme_factories'
import { LogFactory } from '#database/factories/log_factory'
import { launchChromium } from '#tests/browser/chromium'
import { freePort, startWebServer, type WebServer } from '#tests/web_server'
import { within } from '#tests/helpers'

/** The partner's page: plain fetch and EventSource against Antenne, as a widget does. */
const widget = (antenne: string, station: string) => `<!doctype html>
<meta charset="utf-8"><title>Partner</title>
<p id="now">…</p><p id="state">starting</p>
<script>
const antenne = ${JSON.stringify(antenne)}, station = ${JSON.stringify(station)}
const show = (now) => { document.getElementById('now').textContent = now.title || now.name || JSON.stringify(now) }
const say = (s) => { document.getElementById('state').textContent = s }
fetch(antenne + '/api/v1/now?station=' + station).then((r) => r.json()).then((now) => show(now.current || now), (e) => say('api blocked: ' + e))
const uid = crypto.randomUUID()
const events = new EventSource(antenne + '/__transmit/events?uid=' + uid)
events.onopen = () =>
  fetch(antenne + '/__transmit/subscribe', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid, channel: 'now_playing/' + station }),
  }).then((r) => say(r.ok ? 'subscribed' : 'subscribe refused ' + r.status), (e) => say('subscribe blocked: ' + e))
events.onerror = () => say('stream error')
events.onmessage = (m) => { const { payload } = JSON.parse(m.data); window.pushed = (window.pushed || 0) + 1; show(payload.current || payload) }
</script>`

/** The partner's page with the snippet of the README. */
const embed = (antenne: string, station: string) => `<!doctype html>
<meta charset="utf-8"><title>Partner</title>
<h1>Our partner radio</h1>
<script src="${antenne}/widget.js" data-station="${station}" async></script>`

test.group('A widget on another site', (group) => {
  let browser: Browser
  let antenne: WebServer
  let partner: Server
  const servers: WebServer[] = []
  group.setup(async () => {
    browser = await launchChromium()
    return () => browser.close()
  })
  group.each.teardown(async () => {
    await antenne?.stop()
    for (const server of servers.splice(0)) await server.stop()
    partner?.close()
  })

  test('reads now playing, opens the push and subscribes across origins, and hears the next song', async ({
    assert,
  }) => {
    // The server runs in its own process: what it reads is committed here, and deleted after.
    const station = await StationFactory.merge({
      slug: `widget-${process.pid}`,
      name: 'Widget Radio',
    }).create()
    const context = await browser.newContext()
    try {
      await LogFactory.merge({
        stationId: station.id,
        source: 'rotation',
        comment: 'Before The Widget',
      }).create()
      const port = await freePort()
      antenne = await startWebServer(port)
      const partnerPort = await freePort()
      partner = createServer((_, response) =>
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end(widget(`http://127.0.0.1:${port}`, station.slug))
      ).listen(partnerPort, '127.0.0.1')

      const page = await context.newPage()
      const blocked: string[] = []
      page.on('console', (m) => m.type() === 'error' && blocked.push(m.text()))
      // localhost and 127.0.0.1: two origins for the browser.
      await page.goto(`http://localhost:${partnerPort}/`)
      await page.waitForFunction(
        () => document.getElementById('state')!.textContent !== 'starting',
        undefined,
        { timeout: 10_000 }
      )
      assert.equal(await page.textContent('#state'), 'subscribed', blocked.join('\n'))
      await page.waitForFunction(
        () => document.getElementById('now')!.textContent!.includes('Before The Widget'),
        undefined,
        { timeout: 10_000 }
      )

      await LogFactory.merge({
        stationId: station.id,
        source: 'rotation',
        comment: 'Pushed To The Widget',
      }).create()
      await page.waitForFunction(
        () => document.getElementById('now')!.textContent!.includes('Pushed To The Widget'),
        undefined,
        { timeout: 15_000 }
      )
      assert.isAbove(await page.evaluate(() => (window as any).pushed), 0)
      assert.deepEqual(
        blocked.filter((m) => /CORS|Access-Control/.test(m)),
        []
      )
    } finally {
      await context.close()
      await station.delete()
    }
  }).timeout(60_000)

  test("Antenne's widget, pasted on another site, shows now playing, follows the push with event ids, and catches up by Last-Event-ID after a restart", async ({
    assert,
  }) => {
    const station = await StationFactory.merge({
      slug: `embed-${process.pid}`,
      name: 'Embed Radio',
    }).create()
    const context = await browser.newContext()
    try {
      const logged = (comment: string) =>
        LogFactory.merge({ stationId: station.id, source: 'rotation', comment }).create()
      await logged('Before The Embed')
      const port = await freePort()
      servers.push(await startWebServer(port))
      const base = `http://127.0.0.1:${port}`

      // A static file, kept an hour by browsers, without a session.
      const script = await fetch(`${base}/widget.js`)
      assert.equal(script.status, 200)
      assert.match(String(script.headers.get('content-type')), /javascript/)
      assert.equal(script.headers.get('cache-control'), 'public, max-age=3600')
      assert.isNotNull(script.headers.get('etag'))
      assert.isNull(script.headers.get('set-cookie'))

      const partnerPort = await freePort()
      partner = createServer((_, response) =>
        response.writeHead(200, { 'content-type': 'text/html' }).end(embed(base, station.slug))
      ).listen(partnerPort, '127.0.0.1')
      const page = await context.newPage()
      const problems: string[] = []
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
      const lastEventIds: string[] = []
      page.on('request', async (request) => {
        const id = (await request.allHeaders())['last-event-id']
        if (request.url().includes('/__transmit/events') && id) lastEventIds.push(id)
      })
      const shows = (text: string) =>
        page.waitForFunction(
          (t) => document.querySelector('.antenne-now')?.textContent?.includes(t),
          text,
          { timeout: 20_000 }
        )
      await page.goto(`http://localhost:${partnerPort}/`)
      await shows('Before The Embed')
      await page.waitForFunction(
        () => (document.querySelector('.antenne-now') as HTMLElement).dataset.state === 'live',
        undefined,
        { timeout: 10_000 }
      )

      await logged('Pushed To The Embed')
      await shows('Pushed To The Embed')
      const eventId = () =>
        page.evaluate(() => (document.querySelector('.antenne-now') as HTMLElement).dataset.eventId)
      const pushedId = await eventId()
      assert.match(String(pushedId), /^\d+$/, 'the EventSource saw the id of the frame')

      // Antenne restarts; the song changes meanwhile. The browser's own reconnection
      // sends the last id, and the widget is sent what it missed on subscribing again.
      const first = servers[0]
      first.child.kill('SIGTERM')
      await within(10_000, 'the exit after SIGTERM', first.exited)
      await logged('While Antenne Was Away')
      servers.push(await startWebServer(port))
      await shows('While Antenne Was Away')
      assert.include(lastEventIds, pushedId!, 'Chromium reconnected with Last-Event-ID')
      assert.isAbove(Number(await eventId()), Number(pushedId))

      assert.deepEqual(
        problems.filter((m) => /CORS|Access-Control|Uncaught/.test(m)),
        []
      )
    } finally {
      await context.close()
      await station.delete()
    }
  }).timeout(90_000)
})
