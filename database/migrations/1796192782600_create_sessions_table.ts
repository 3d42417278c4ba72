import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Server-side sessions (@adonisjs/session's database store). The cookie
 * carries only a random id: knowing APP_KEY no longer lets anyone write a
 * session, and a session can be ended from the server (logout, a password
 * or role change, a deleted account: `user_id` says whose it is).
 *
 * `expires_at` is a DATETIME, not a TIMESTAMP: MariaDB before 10.10 gives the
 * first NOT NULL TIMESTAMP column ON UPDATE CURRENT_TIMESTAMP, which would
 * expire a session whenever its row is tagged.
 */
export default class extends BaseSchema {
  protected tableName = 'sessions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.string('id', 191).primary()
      table.text('data', 'mediumtext').notNullable()
      table.string('user_id', 64).nullable().index()
      table.dateTime('expires_at').notNullable().index()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
