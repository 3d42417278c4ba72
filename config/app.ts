import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'

/**
 * The app key encrypts cookies and signed URLs. Keep it secret.
 */
export const appKey = new Secret(
  env.get('APP_KEY') ??
    (app.inProduction
      ? (() => {
          throw new Error('APP_KEY is not set: run `node ace generate:key` and put it in .env')
        })()
      : 'antenne-development-key-not-secret')
)

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: false,
  useAsyncLocalStorage: false,
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
