/*
| Debian's Chromium driven by playwright-core (no browser download): the
| flags this closed network needs, a fresh profile, and screenshots kept in
| ANTENNE_SCREENSHOTS (default tmp/screenshots; docs/screenshots holds the
| README's copies).
*/
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import app from '@adonisjs/core/services/app'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** `extraArgs`: more flags, e.g. `--autoplay-policy=no-user-gesture-required` for a player. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...extraArgs,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  })
}

export const baseUrl = () => `http://${process.env.HOST}:${process.env.PORT}`

export async function screenshot(page: Page, name: string) {
  const configured = process.env.ANTENNE_SCREENSHOTS ?? 'tmp/screenshots'
  const dir = isAbsolute(configured) ? configured : app.makePath(configured)
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
}

/** Logs in through the form, as a person would. */
export async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl()}/staff`)
  await page.waitForURL('**/staff/login')
  await page.fill('#f-email', email)
  await page.fill('#f-password', password)
  await Promise.all([page.waitForURL(`${baseUrl()}/staff`), page.click('button[type=submit]')])
}

/**
 * Clicks a submit button and waits for the page the form leads to (often the
 * same URL, after a redirect). A click that started no navigation at all (it
 * landed while the page moved) is tried once more; a server that does not
 * answer still fails, saying so.
 */
export async function submit(page: Page, button: Locator) {
  let started = false
  const onRequest = (request: { isNavigationRequest(): boolean }) => {
    if (request.isNavigationRequest()) started = true
  }
  page.on('request', onRequest)
  try {
    const loaded = page.waitForNavigation({ waitUntil: 'load', timeout: 30_000 }).then(
      () => null,
      (error: Error) => error
    )
    await button.click()
    const early = await Promise.race([
      loaded.then(() => 'done'),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 3000)),
    ])
    if (early === 'waiting' && !started) await button.click()
    const error = await loaded
    if (error)
      throw new Error(
        `${started ? 'the server did not answer the form' : 'the click never submitted the form'}: ${error.message}`
      )
  } finally {
    page.off('request', onRequest)
  }
}
