import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A counter a login copies into its session: raising it ends every session
 * of the account, even one whose row a request still in flight writes back
 * after it was deleted (app/cms/staff_sessions.ts).
 */
export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    this.schema.alterTable(this.tableName, (table) => {
      table.integer('session_version').unsigned().notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable(this.tableName, (table) => {
      table.dropColumn('session_version')
    })
  }
}
