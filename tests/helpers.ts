import app from '@adonisjs/core/services/app'
import type { BaseCommand } from '@adonisjs/core/ace'
import { existsSync } from 'node:fs'
import db from '@adonisjs/lucid/services/db'
import Diffusions from '#commands/diffusions'
import antenneConfig from '#config/antenne'
import type { HealthSettings } from '#health/health_checks'

/**
 * Runs an ace command in this process, its output captured, the way
 * `node ace <name> <args>` would run it.
 */
export async function runCommand(command: typeof BaseCommand, args: string[]) {
  const ace = await app.container.make('ace')
  const instance = await ace.create(command, args)
  instance.ui.switchMode('raw')
  await instance.exec()
  const output = instance.ui.logger
    .getLogs()
    .map((log) => log.message)
    .join('\n')
  return { command: instance, output, exitCode: instance.exitCode ?? 0 }
}

export function diffusions(...args: string[]) {
  return runCommand(Diffusions, args)
}

/** Rejects after `ms` with what was awaited: a hung wait fails with its reason, not the suite's timeout. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))
    ),
  ])
}

/** The tables of an SQLite file, none when the file was never created (read on a connection of its own). */
let probes = 0
export async function tablesIn(file: string): Promise<string[]> {
  if (!existsSync(file)) return []
  const name = `probe-${++probes}`
  db.manager.add(name, {
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  })
  try {
    return (
      await db.connection(name).from('sqlite_master').where('type', 'table').select('name')
    ).map((row: { name: string }) => row.name)
  } finally {
    await db.manager.close(name, true)
  }
}

/** Health settings where this machine's own disk, memory and load never fail a check. */
export function lenientHealth(overrides: Partial<HealthSettings> = {}): HealthSettings {
  return {
    ...antenneConfig.health,
    minFreeBytes: 0,
    minFreeShare: 0,
    minFreeMemory: 0,
    maxLoadPerCore: 1e6,
    ...overrides,
  }
}
