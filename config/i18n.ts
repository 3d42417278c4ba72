import app from '@adonisjs/core/services/app'
import { defineConfig, formatters, loaders } from '@adonisjs/i18n'

/** Interface strings in resources/lang/<locale>/*.json; English and French (Aircox's home) ship. */
const i18nConfig = defineConfig({
  formatter: formatters.icu(),
  defaultLocale: 'en',
  supportedLocales: ['en', 'fr'],
  loaders: [loaders.fs({ location: app.languageFilesPath() })],
})

export default i18nConfig
