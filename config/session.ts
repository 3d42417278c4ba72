import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

/**
 * Sessions of the staff side, kept on the server (the `sessions` table): the
 * cookie holds only a random id. With the cookie store the whole session sat
 * in the cookie, sealed with APP_KEY, so whoever read APP_KEY could write an
 * admin session, and a logout could not end a copied cookie (issue 12, #4/#5).
 * Each session is tagged with its user, so a password or role change or a
 * deleted account ends them all (app/cms/staff_sessions.ts).
 *
 * There is deliberately no cookie store. SESSION_DRIVER=redis keeps them in
 * Redis instead (optional, for several web hosts); the tests' in-process
 * server uses `memory` (the api client of @adonisjs/session writes there).
 */
const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'antenne-session',
  clearWithBrowser: false,
  age: '8h',
  // Secure when the site is served over HTTPS (its public address says so): a plain-http demo
  // in production mode, reached by a LAN address, keeps its logins.
  cookie: {
    path: '/',
    httpOnly: true,
    secure: app.inProduction && env.get('ANTENNE_PUBLIC_URL', '').startsWith('https://'),
    sameSite: 'lax',
  },
  store: env.get('SESSION_DRIVER', 'database'),
  stores: {
    database: stores.database({ tableName: 'sessions' }),
    // Optional: for several web hosts (config/redis.ts); it connects on first use only.
    redis: stores.redis({ connection: 'main' }),
  },
})

export default sessionConfig
