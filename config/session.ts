import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

/** Sessions of the staff side, in a signed and encrypted cookie. */
const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'antenne-session',
  clearWithBrowser: false,
  age: '8h',
  cookie: { path: '/', httpOnly: true, secure: app.inProduction, sameSite: 'lax' },
  store: env.get('SESSION_DRIVER', 'cookie'),
  stores: { cookie: stores.cookie() },
})

export default sessionConfig
