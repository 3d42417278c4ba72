import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Events (what happened, for other systems), their sinks (Flussonic's
 * event_sink: where to send them) and the log of each delivery. The events
 * table is the durable outbox: every sink reads it in id order from its own
 * cursor, so that a sink that is down catches up, in order, when it is back.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('events', (table) => {
      table.bigIncrements('id')
      table.string('type', 40).notNullable()
      // The station's slug (events outlive stations and are read by slug).
      table.string('station', 64).nullable()
      table.string('level', 8).notNullable()
      table.datetime('occurred_at', { precision: 3 }).notNullable()
      table.text('payload').notNullable()
      table.index(['occurred_at'])
      table.index(['type', 'id'])
    })

    this.schema.createTable('event_sinks', (table) => {
      table.increments('id')
      table.string('name', 100).notNullable().unique()
      // log://path, http(s)://..., amqp://user:pass@host:port/vhost?exchange=name
      table.string('url', 1000).notNullable()
      // HMAC-SHA256 key of http sinks.
      table.string('key', 255).nullable()
      table.string('min_level', 8).notNullable().defaultTo('info')
      // Flussonic's filters: one `key=value1,value2 key2=value` line per rule.
      table.text('only').nullable()
      table.text('except').nullable()
      table.integer('timeout_ms').unsigned().notNullable().defaultTo(5000)
      table.integer('max_attempts').unsigned().notNullable().defaultTo(50)
      table.integer('batch_size').unsigned().notNullable().defaultTo(100)
      table.boolean('active').notNullable().defaultTo(true)
      // Loaded from the sinks file (config) rather than made in the CMS.
      table.boolean('from_file').notNullable().defaultTo(false)
      // The last event id handled (delivered or given up on), and the retry state of the next batch.
      table.bigInteger('cursor').unsigned().notNullable().defaultTo(0)
      table.integer('attempts').unsigned().notNullable().defaultTo(0)
      table.datetime('next_attempt_at', { precision: 3 }).nullable()
      table.text('last_error').nullable()
      // One deliverer at a time per sink, whatever the number of processes.
      table.string('lease_owner', 100).nullable()
      table.datetime('lease_until', { precision: 3 }).nullable()
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
    })

    this.schema.createTable('event_deliveries', (table) => {
      table.bigIncrements('id')
      table
        .integer('sink_id')
        .unsigned()
        .notNullable()
        .references('event_sinks.id')
        .onDelete('CASCADE')
      table.bigInteger('first_event_id').unsigned().notNullable()
      table.bigInteger('last_event_id').unsigned().notNullable()
      table.integer('count').unsigned().notNullable()
      // delivered | retry | failed (given up after the resend limit)
      table.string('status', 12).notNullable()
      table.integer('attempt').unsigned().notNullable()
      table.integer('duration_ms').unsigned().notNullable()
      table.text('detail').nullable()
      table.datetime('created_at', { precision: 3 }).notNullable()
      table.index(['sink_id', 'id'])
    })

    // RadioVIS: where a station's now playing text and slides go.
    this.schema.alterTable('stations', (table) => {
      table.string('radiovis_topic', 255).nullable()
      table.string('radiovis_text', 255).nullable()
      table.string('radiovis_image', 1000).nullable()
    })

    // Icecast's admin account, for the list of listeners (/admin/listclients).
    this.schema.alterTable('outputs', (table) => {
      table.string('admin_user', 100).nullable()
      table.string('admin_password', 255).nullable()
    })
  }

  async down() {
    this.schema.alterTable('outputs', (table) => {
      table.dropColumn('admin_user')
      table.dropColumn('admin_password')
    })
    this.schema.alterTable('stations', (table) => {
      table.dropColumn('radiovis_topic')
      table.dropColumn('radiovis_text')
      table.dropColumn('radiovis_image')
    })
    this.schema.dropTable('event_deliveries')
    this.schema.dropTable('event_sinks')
    this.schema.dropTable('events')
  }
}
