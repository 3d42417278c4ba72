import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'

/**
 * Imported by bin/test.ts. The same suites run on SQLite and on MariaDB
 * (DB_CONNECTION=mysql): `npm test` runs both.
 */
export const plugins: Config['plugins'] = [
  assert(),
  apiClient(),
  pluginAdonisJS(app),
  sessionApiClient(app),
  authApiClient(app),
  shieldApiClient(),
]

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  // Migrate the test database before the suites, roll it back after them.
  setup: [() => testUtils.db().migrate()],
  teardown: [],
}

/** The functional suite talks to the real HTTP server, on HOST:PORT of .env.test. */
export const configureSuite: Config['configureSuite'] = (suite) => {
  if (suite.name === 'functional' || suite.name === 'browser')
    suite.setup(() => testUtils.httpServer().start())
}
