import { defineConfig } from '@adonisjs/static'

/** Files under resources/public (adonisrc `directories.public`): the stylesheet, the page scripts and the embeddable widget. */
const staticServerConfig = defineConfig({
  enabled: true,
  etag: true,
  lastModified: true,
  dotFiles: 'ignore',
  // The widget is pasted into other sites' pages: their visitors' browsers may keep it an
  // hour, then ask again (ETag). The other files keep the default (revalidated each time).
  headers: (path) =>
    path.endsWith('/widget.js') ? { 'cache-control': 'public, max-age=3600' } : {},
})

export default staticServerConfig
