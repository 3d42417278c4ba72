/*
| Screenshots of the main pages of a running Antenne (the demo: `npm start`)
| into docs/screenshots/, with Debian's Chromium:
|   node --import=ts-node-maintained/register/esm bin/screenshots.ts [base URL]
*/
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'

const base = process.argv[2] ?? 'http://127.0.0.1:3333'
const out = new URL('../docs/screenshots/', import.meta.url).pathname
mkdirSync(out, { recursive: true })

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
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
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' })
  const shoot = async (path: string, name: string) => {
    await page.goto(base + path)
    await page.screenshot({ path: `${out}${name}.png`, fullPage: true })
    console.log(`${name}.png  ${path}`)
  }
  await shoot('/', 'public-home')
  await shoot('/week', 'public-week')
  await shoot('/logs', 'public-logs')
  await shoot('/programs/morning-talk', 'public-program')
  await page.goto(`${base}/staff/login`)
  await page.fill('#f-email', process.env.ANTENNE_EMAIL ?? 'admin@antenne.test')
  await page.fill('#f-password', process.env.ANTENNE_PASSWORD ?? 'antenne-demo')
  await Promise.all([page.waitForURL(`${base}/staff`), page.click('button[type=submit]')])
  await shoot('/staff', 'staff-dashboard')
  await shoot('/staff/programs/2', 'staff-program')
  await shoot('/staff/calendar', 'staff-calendar')
  await shoot('/staff/programs/1/sounds', 'staff-sounds')
  await shoot('/staff/sounds/9', 'staff-sound-tracklist')
  await shoot('/staff/streamer', 'staff-streamer')
  await shoot('/staff/listeners', 'staff-listeners')
  await shoot('/staff/events', 'staff-events')
} finally {
  await browser.close()
}
