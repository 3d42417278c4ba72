/*
| Boots the application for a bench script (as `node ace` would, without a
| command), so that models, services and the database are ready.
*/
import 'reflect-metadata'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ignitor } from '@adonisjs/core'

const APP_ROOT = new URL('../', import.meta.url)
export const root = fileURLToPath(APP_ROOT)

/**
 * An empty `tmp/<name>/` for a bench, and the environment that puts its
 * SQLite database and station, program and cover folders there. Call before bootApp.
 */
export async function benchWorkspace(name: string) {
  const work = join(root, 'tmp', name)
  await rm(work, { recursive: true, force: true })
  await mkdir(work, { recursive: true })
  Object.assign(process.env, {
    DB_CONNECTION: 'sqlite',
    SQLITE_PATH: join(work, 'bench.sqlite3'),
    ANTENNE_STATIONS_DIR: join(work, 'stations'),
    ANTENNE_PROGRAMS_DIR: join(work, 'programs'),
    ANTENNE_COVERS_DIR: join(work, 'covers'),
    LOG_LEVEL: 'warn',
  })
  return work
}
const importer = (filePath: string) =>
  filePath.startsWith('./') || filePath.startsWith('../')
    ? import(new URL(filePath, APP_ROOT).href)
    : import(filePath)

export async function bootApp() {
  const app = new Ignitor(APP_ROOT, { importer }).createApp('console')
  app.booting(async () => {
    await import('#start/env')
  })
  await app.init()
  await app.boot()
  return app
}
