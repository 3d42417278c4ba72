import env from '#start/env'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import { defineConfig } from '@adonisjs/lucid'
import { chmodSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, isAbsolute } from 'node:path'

/*
| SQLite is the embedded default (zero set-up); MariaDB/MySQL is the
| production database. The same migrations run on both, and every datetime
| is stored in UTC (see #start/time and app/models/columns.ts).
*/
const sqlitePath = (() => {
  const configured = env.get('SQLITE_PATH', 'tmp/antenne.sqlite3')
  const path = isAbsolute(configured) ? configured : app.makePath(configured)
  // A fresh clone has no tmp/ folder content: create the folder on demand (only for SQLite:
  // a production install on MariaDB may not write into its own folder).
  if (env.get('DB_CONNECTION', 'sqlite') === 'sqlite')
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 })
  return path
})()

/**
 * The database holds password hashes and Icecast passwords: only its owner
 * reads it (issue 12, #4), a file from before this rule included. The -wal
 * and -shm files hold the same pages.
 */
function ownerOnly(database: string) {
  for (const file of [database, `${database}-wal`, `${database}-shm`])
    if (existsSync(file)) chmodSync(file, 0o600)
}

/**
 * Every transaction takes the write lock when it begins. A deferred one
 * (knex's plain BEGIN) that reads first cannot write once another process
 * (the streamer logging, the library scanning) has committed: SQLite fails
 * it at once with SQLITE_BUSY, busy_timeout or not. Knex has no option for
 * BEGIN IMMEDIATE, so the driver's connection rewrites that one statement.
 */
function beginImmediate(connection: { prepare: (sql: string) => unknown }) {
  const prepare = connection.prepare.bind(connection)
  connection.prepare = (sql: string) => prepare(sql === 'BEGIN;' ? 'BEGIN IMMEDIATE;' : sql)
}

const migrations = { naturalSort: true, paths: ['database/migrations'] }

/*
| Knex's pool warns, with a stack trace, at every failed connection attempt:
| a trace per query during a database outage. Each process says once that
| the database is away and once that it is back (app/health/database_outage.ts),
| so the pool's own lines go to the debug level; its other warnings stay.
*/
const poolNoise = /^(Acquire connection error|Connection Error):/
const quietPool = {
  log: {
    warn: (message: string) =>
      poolNoise.test(message) ? logger.debug(message) : logger.warn(message),
    error: (message: string) => logger.error(message),
    deprecate: (message: string) => logger.info(message),
    debug: (message: string) => logger.debug(message),
  },
}

const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION', 'sqlite'),
  connections: {
    sqlite: {
      ...quietPool,
      client: 'better-sqlite3',
      connection: { filename: sqlitePath },
      useNullAsDefault: true,
      pool: {
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          // Cascades need foreign keys on; WAL lets the web read while the
          // streamer writes; a busy writer is waited for, not an error.
          connection.pragma('foreign_keys = ON')
          connection.pragma('journal_mode = WAL')
          connection.pragma('busy_timeout = 5000')
          beginImmediate(connection)
          if (!connection.memory) ownerOnly(connection.name)
          done(null, connection)
        },
      },
      migrations,
      seeders: { paths: ['database/seeders'] },
    },
    mysql: {
      ...quietPool,
      client: 'mysql2',
      connection: {
        host: env.get('MYSQL_HOST', '127.0.0.1'),
        port: env.get('MYSQL_PORT', 3306),
        user: env.get('MYSQL_USER', 'root'),
        password: env.get('MYSQL_PASSWORD', ''),
        database: env.get('MYSQL_DB_NAME', 'antenne'),
        // mysql2 turns DATETIME columns into JS Dates: read them as UTC.
        timezone: 'Z',
        // DATE columns stay text, as on SQLite.
        dateStrings: ['DATE'],
        charset: 'utf8mb4',
      },
      pool: { min: 0, max: 10 },
      migrations,
      seeders: { paths: ['database/seeders'] },
    },
  },
})

export default dbConfig
