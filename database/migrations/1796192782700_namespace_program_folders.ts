/*
| Program folders namespaced by station (app/library/program_folders.ts),
| and a program path unique from now on.
*/
import { BaseSchema } from '@adonisjs/lucid/schema'
import antenneConfig from '#config/antenne'
import { namespaceProgramFolders } from '#library/program_folders'

export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      await namespaceProgramFolders(db, antenneConfig.programsDir)
    })
    this.schema.alterTable('programs', (table) => {
      table.unique(['path'])
    })
  }

  async down() {
    this.schema.alterTable('programs', (table) => {
      table.dropUnique(['path'])
    })
  }
}
