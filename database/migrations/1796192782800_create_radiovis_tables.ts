import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * RadioVIS: the log of messages sent per topic (kept a day, the servers'
 * source when there is no broker, and what a new server starts from), the
 * servers that serve it with their receiver counts, and named leases (one
 * producer of messages and fallbacks however many processes run).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('radiovis_messages', (table) => {
      table.bigIncrements('id')
      table.string('station', 64).notNullable()
      // The canonical destination (lower case, GCC form), e.g. /topic/fm/ce1/c479/09580/text.
      table.string('topic', 255).notNullable()
      table.text('body').notNullable()
      table.string('link', 1000).nullable()
      // The outbox event it shows; null for a fallback.
      table.bigInteger('event_id').nullable()
      table.boolean('fallback').notNullable().defaultTo(false)
      table.datetime('sent_at', { precision: 3 }).notNullable()
      table.index(['sent_at'])
      table.index(['topic', 'id'])
      table.index(['station', 'id'])
    })

    this.schema.createTable('radiovis_servers', (table) => {
      // host:pid of the radiovis:serve process.
      table.string('name', 160).primary()
      table.string('listen', 160).notNullable()
      table.integer('receivers').unsigned().notNullable().defaultTo(0)
      // {"/topic/fm/…/text": 3, …}: subscriptions per canonical topic.
      table.text('topics').notNullable()
      table.datetime('started_at', { precision: 3 }).notNullable()
      table.datetime('seen_at', { precision: 3 }).notNullable()
    })

    this.schema.createTable('leases', (table) => {
      table.string('name', 64).primary()
      table.string('holder', 160).notNullable()
      // Epoch milliseconds: compared as numbers on every engine.
      table.bigInteger('expires_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('leases')
    this.schema.dropTable('radiovis_servers')
    this.schema.dropTable('radiovis_messages')
  }
}
