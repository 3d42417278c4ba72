import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  /*
  | Application commands are scanned from ./commands; these come from packages.
  */
  commands: [() => import('@adonisjs/core/commands'), () => import('@adonisjs/lucid/commands')],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/limiter/limiter_provider'),
    () => import('@adonisjs/redis/redis_provider'),
    () => import('@adonisjs/i18n/i18n_provider'),
    () => import('@adonisjs/transmit/transmit_provider'),
    () => import('@adonisjs/cors/cors_provider'),
  ],

  /*
  | The top level stays as the brief has it: public files live under resources/.
  */
  directories: {
    public: 'resources/public',
  },

  preloads: [
    () => import('#start/time'),
    () => import('#start/events'),
    () => import('#start/schedule_edits'),
    () => import('#start/routes'),
    () => import('#start/kernel'),
    { file: () => import('#start/view'), environment: ['web', 'test'] },
    { file: () => import('#start/now_playing'), environment: ['web'] },
  ],

  tests: {
    suites: [
      {
        files: ['tests/unit/**/*.spec(.ts|.js)'],
        name: 'unit',
        timeout: 5000,
      },
      {
        files: ['tests/functional/**/*.spec(.ts|.js)'],
        name: 'functional',
        timeout: 60000,
      },
      {
        // The staff CMS and the public site in a real Chromium (playwright-core).
        files: ['tests/browser/**/*.spec(.ts|.js)'],
        name: 'browser',
        timeout: 120000,
      },
      {
        // Real Liquidsoap and Icecast, started by the tests themselves.
        files: ['tests/integration/**/*.spec(.ts|.js)'],
        name: 'integration',
        timeout: 120000,
      },
    ],
    forceExit: false,
  },

  metaFiles: [
    { pattern: 'resources/**/*.edge', reloadServer: false },
    { pattern: 'resources/**/*.liq', reloadServer: false },
    { pattern: 'resources/public/**', reloadServer: false },
    { pattern: 'resources/lang/**', reloadServer: false },
    // What the compiled build needs at run time besides its JavaScript.
    { pattern: 'resources/systemd/**', reloadServer: false },
    { pattern: 'resources/passwords/**', reloadServer: false },
    { pattern: 'bin/icecast', reloadServer: false },
    { pattern: '.env.example', reloadServer: false },
  ],
})
