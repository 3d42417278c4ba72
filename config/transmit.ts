import { defineConfig } from '@adonisjs/transmit'

/** Server-sent events (now playing); one web process, so no transport between instances. */
export default defineConfig({
  pingInterval: '30s',
  transport: null,
})
