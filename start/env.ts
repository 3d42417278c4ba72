/*
| Environment variables, validated at boot: a wrong value fails early with
| the variable's name instead of surfacing later as a strange error.
*/
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum.optional(['development', 'production', 'test'] as const),
  PORT: Env.schema.number.optional(),
  HOST: Env.schema.string.optional({ format: 'host' }),
  // Required in production (config/app.ts); `bin/setup` writes one into .env.
  APP_KEY: Env.schema.string.optional(),
  // Sessions: `database` (the default), `redis` (optional) or `memory` (tests); no cookie store (config/session.ts).
  SESSION_DRIVER: Env.schema.enum.optional(['database', 'redis', 'memory'] as const),
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  REDIS_DB: Env.schema.number.optional(),
  // Login throttling counters: `database` (the default, shared by every process) or `memory` (tests).
  LIMITER_STORE: Env.schema.enum.optional(['database', 'memory'] as const),
  LOG_LEVEL: Env.schema.enum.optional([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),

  /*
  | Database: SQLite is the embedded default, MariaDB/MySQL the production one.
  */
  DB_CONNECTION: Env.schema.enum.optional(['sqlite', 'mysql'] as const),
  SQLITE_PATH: Env.schema.string.optional(),
  MYSQL_HOST: Env.schema.string.optional({ format: 'host' }),
  MYSQL_PORT: Env.schema.number.optional(),
  MYSQL_USER: Env.schema.string.optional(),
  MYSQL_PASSWORD: Env.schema.string.optional(),
  MYSQL_DB_NAME: Env.schema.string.optional(),

  /*
  | Where station working folders and program sound folders live.
  */
  ANTENNE_STATIONS_DIR: Env.schema.string.optional(),
  ANTENNE_PROGRAMS_DIR: Env.schema.string.optional(),
  ANTENNE_LIQUIDSOAP_BIN: Env.schema.string.optional(),
  ANTENNE_LOUDNESS_TARGET: Env.schema.number.optional(),
  ANTENNE_HARBOR_BIND: Env.schema.string.optional(),
  ANTENNE_COVERS_DIR: Env.schema.string.optional(),
  ANTENNE_UPLOADS_DIR: Env.schema.string.optional(),
  ANTENNE_IMAGES_DIR: Env.schema.string.optional(),
  ANTENNE_PODCAST_CACHE_DIR: Env.schema.string.optional(),
  ANTENNE_FFMPEG_BIN: Env.schema.string.optional(),
  ANTENNE_PODCAST_TRANSCODE_TIMEOUT: Env.schema.number.optional(),
  ANTENNE_UPLOAD_MAX_BYTES: Env.schema.number.optional(),
  ANTENNE_STATION_QUOTA_BYTES: Env.schema.number.optional(),
  ANTENNE_UPLOAD_MAX_SECONDS: Env.schema.number.optional(),
  ANTENNE_LIBRARY_WORKERS: Env.schema.number.optional(),
  ANTENNE_DEAD_AIR_SECONDS: Env.schema.number.optional(),
  ANTENNE_HOLD_MS: Env.schema.number.optional(),
  ANTENNE_NODE: Env.schema.string.optional(),
  ANTENNE_CHANGE_STAMP: Env.schema.string.optional(),
  ANTENNE_LEASE_MS: Env.schema.number.optional(),
  ANTENNE_LEASE_MARGIN_MS: Env.schema.number.optional(),
  ANTENNE_FALLBACK_AUDIO: Env.schema.string.optional(),
  ANTENNE_EVENTS_SPOOL: Env.schema.string.optional(),
  ANTENNE_EVENT_SINKS_FILE: Env.schema.string.optional(),
  ANTENNE_EVENTS_RETENTION_DAYS: Env.schema.number.optional(),
  ANTENNE_RADIOVIS_URL: Env.schema.string.optional(),
  ANTENNE_PUBLIC_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  /** Sites allowed to read the public API, feeds and push from a browser: *, a comma list, or none. */
  ANTENNE_CORS_ORIGINS: Env.schema.string.optional(),
  // Comma list of the reverse proxies' addresses or CIDRs (config/app.ts); none by default.
  ANTENNE_TRUSTED_PROXIES: Env.schema.string.optional(),
  ANTENNE_ARCHIVES_DIR: Env.schema.string.optional(),
  ANTENNE_BACKUPS_DIR: Env.schema.string.optional(),
  ANTENNE_RADIOVIS_EXCHANGE: Env.schema.string.optional(),
  ANTENNE_RADIOVIS_FALLBACK_SECONDS: Env.schema.number.optional(),
  ANTENNE_RADIOVIS_HOST: Env.schema.string.optional({ format: 'host' }),
  ANTENNE_RADIOVIS_PORT: Env.schema.number.optional(),
  ANTENNE_RADIOVIS_HEARTBEAT_MS: Env.schema.number.optional(),
  ANTENNE_RADIOVIS_POLL_MS: Env.schema.number.optional(),
  ANTENNE_RADIOVIS_LOG_MAX_AGE: Env.schema.number.optional(),
  ANTENNE_RADIOVIS_LOG_CLEANUP: Env.schema.number.optional(),
  ANTENNE_LISTENERS_INTERVAL: Env.schema.number.optional(),
  ANTENNE_LISTENERS_RETENTION_DAYS: Env.schema.number.optional(),
  // The resource watcher of events:deliver (config/antenne.ts `watch`).
  ANTENNE_WATCH_INTERVAL: Env.schema.number.optional(),
  ANTENNE_WATCH_MEMORY_PERCENT: Env.schema.number.optional(),
  ANTENNE_WATCH_LOAD_PER_CORE: Env.schema.number.optional(),
  ANTENNE_WATCH_DISK_FREE_PERCENT: Env.schema.number.optional(),
})
