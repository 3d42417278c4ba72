import { defineConfig } from '@adonisjs/static'

/** Files under resources/public (adonisrc `directories.public`): the stylesheet and the page scripts. */
const staticServerConfig = defineConfig({
  enabled: true,
  etag: true,
  lastModified: true,
  dotFiles: 'ignore',
})

export default staticServerConfig
