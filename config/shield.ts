import { defineConfig } from '@adonisjs/shield'

const shieldConfig = defineConfig({
  /*
  | Pages load only their own scripts, styles, audio and streams
  | (/now_playing.js, /staff.js, /antenne.css, /podcasts/…, /__transmit/events).
  | An inline <script> needs `nonce="{{ cspNonce }}"`; no inline style or handler.
  */
  csp: {
    enabled: true,
    directives: {
      defaultSrc: [`'self'`],
      scriptSrc: [`'self'`, '@nonce'],
      styleSrc: [`'self'`],
      imgSrc: [`'self'`, 'data:'],
      mediaSrc: [`'self'`],
      connectSrc: [`'self'`],
      fontSrc: [`'self'`],
      objectSrc: [`'none'`],
      baseUri: [`'self'`],
      formAction: [`'self'`],
      frameAncestors: [`'none'`],
    },
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    // The JSON API authenticates with tokens, and Transmit subscribes by POST from the page's script.
    exceptRoutes: (ctx) =>
      ctx.request.url().startsWith('/api/') || ctx.request.url().startsWith('/__transmit/'),
    enableXsrfCookie: false,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: true, action: 'DENY' },
  // Off here because shield sends it on every response, plain HTTP included: app/middleware/hsts_middleware.ts sends it over HTTPS only.
  hsts: { enabled: false },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
