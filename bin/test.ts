/*
| Japa entry point: `node ace test` runs this file.
*/
process.env.NODE_ENV = 'test'

import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'
import { configure, processCLIArgs, run } from '@japa/runner'

/*
| Whatever this process creates (the SQLite database, backups, archives, the
| events spool, station scripts) is not for other users of the machine: no
| bit for "others", none to write for the group (issue 12, #4).
*/
process.umask(0o027)

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.listen('SIGTERM', () => app.terminate())
    app.listenIf(app.managedByPm2, 'SIGINT', () => app.terminate())
  })
  .testRunner()
  .configure(async (app) => {
    const { runnerHooks, ...config } = await import('../tests/bootstrap.js')

    processCLIArgs(process.argv.splice(2))
    configure({
      ...app.rcFile.tests,
      ...config,
      ...{
        setup: runnerHooks.setup,
        teardown: runnerHooks.teardown.concat([() => app.terminate()]),
      },
    })
  })
  .run(async () => {
    await run()
    // Something a test left behind (a client reconnecting forever, a server
    // not closed) would keep this process, and CI, waiting without a word:
    // once the run is over, name what is still active and exit failed.
    setTimeout(() => {
      console.error(
        `The test process did not exit 10 s after the run: still active: ${process.getActiveResourcesInfo().join(', ')}`
      )
      process.exit(1)
    }, 10_000).unref()
  })
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
