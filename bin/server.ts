/*
| HTTP server entry point: `node bin/server.js` after a build, or
| `node --import=ts-node-maintained/register/esm bin/server.ts` from sources.
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
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
