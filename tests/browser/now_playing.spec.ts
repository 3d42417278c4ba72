/// <reference lib="dom" />
import { test } from '@japa/runner'
import { createServer } from 'node:http'
import type { Browser } from 'playwright-core'
import { StationFactory } from '#database/factories/programme_factories'
import { LogFactory } from '#database/factories/log_factory'
import { launchChromium } from '#tests/browser/chromium'
import { freePort, startWebServer, type WebServer } from '#tests/web_server'
import { within } from '#tests/helpers'

test.group('The home page through a web server restart', (group) => {
  let browser: Browser
  const servers: WebServer[] = []
  group.setup(async () => {
    browser = await launchChromium()
    return () => browser.close()
  })
  group.each.teardown(async () => {
    for (const server of servers.splice(0)) await server.stop()
  })

  test('a page left open subscribes again to the next server and shows what changed meanwhile, without a reload', async ({
    assert,
  }) => {
    // The server runs in its own process: what it reads is committed here, and deleted after.
    const station = await StationFactory.merge({
      slug: `restart-${process.pid}`,
      name: 'Restart Radio',
      hosts: '127.0.0.1',
    }).create()
    const context = await browser.newContext({ locale: 'en-GB' })
    try {
      const logged = (comment: string) =>
        LogFactory.merge({ stationId: station.id, source: 'rotation', comment }).create()
      const shows = (text: string) =>
        page.waitForFunction(
          (t) => document.querySelector('#now-playing')!.textContent!.includes(t),
          text,
          { timeout: 20_000 }
        )
      await logged('Before The Restart')
      const port = await freePort()
      servers.push(await startWebServer(port))

      const page = await context.newPage()
      const refreshes: number[] = []
      page.on(
        'request',
        (request) => request.url().includes('/api/v1/now?') && refreshes.push(performance.now())
      )
      await page.goto(`http://127.0.0.1:${port}/`)
      assert.include(await page.textContent('#now-playing'), 'Before The Restart')
      await page.waitForFunction(() => (window as any).antenneNowPlayingReady === true, undefined, {
        timeout: 10_000,
      })
      await page.evaluate(() => ((window as any).loadedOnce = true))

      const first = servers[0]
      first.child.kill('SIGTERM')
      await within(5000, 'the exit after SIGTERM', first.exited)

      // While the server is away a proxy in front answers 502, on which a browser's EventSource gives up for good.
      const proxyAnswered = new Promise<void>((answered) => {
        const proxy = createServer((request, response) => {
          response.writeHead(502).end()
          if (!request.url?.startsWith('/__transmit/events')) return
          proxy.close(() => answered())
          proxy.closeAllConnections()
        })
        proxy.listen(port, '127.0.0.1')
      })
      await within(10_000, 'the page trying the proxy', proxyAnswered)
      await logged('While Away')
      const started = performance.now()
      servers.push(await startWebServer(port))

      // At once, not at the next change: the page asks for now playing when it is back.
      await shows('While Away')
      assert.isTrue(
        refreshes.some((at) => at > started),
        'now playing fetched again after the restart'
      )
      await page.waitForFunction(() => (window as any).antenneNowPlayingReady === true, undefined, {
        timeout: 10_000,
      })
      // Pushed by the next server: the page subscribed again.
      await logged('After The Restart')
      await shows('After The Restart')
      assert.isTrue(
        await page.evaluate(() => (window as any).loadedOnce === true),
        'the page was not reloaded'
      )
    } finally {
      await context.close()
      await station.delete()
    }
  })
})
