import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { Secret } from '@adonisjs/core/helpers'
import { defineConfig } from '@adonisjs/core/http'
import proxyAddr from 'proxy-addr'

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

/**
 * Addresses whose X-Forwarded-For/-Host/-Proto are believed: the reverse
 * proxy in front of Antenne (ANTENNE_TRUSTED_PROXIES, a comma list of
 * addresses, CIDRs or proxy-addr's names such as `loopback`). None by
 * default, so that a local user cannot pose as another client or host; the
 * framework's own default trusts loopback.
 */
export const trustedProxies = (env.get('ANTENNE_TRUSTED_PROXIES') ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)

export const http = defineConfig({
  generateRequestId: true,
  trustProxy: proxyAddr.compile(trustedProxies),
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
