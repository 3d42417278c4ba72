/*
| Ace entry point. Commands boot the application only when their
| options.startApp flag is set.
*/
import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'

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
  .ace()
  .configure(async (app) => {
    const { reportAceErrorsWithTheirCode } = await import('#exceptions/command_failure')
    reportAceErrorsWithTheirCode(await app.container.make('ace'))
  })
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
