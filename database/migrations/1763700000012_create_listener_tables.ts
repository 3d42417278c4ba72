import { BaseSchema } from '@adonisjs/lucid/schema'

/** Listener statistics polled from Icecast: samples per mount, and listening sessions. */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('listener_samples', (table) => {
      table.bigIncrements('id')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.string('mount', 255).notNullable()
      table.datetime('at', { precision: 3 }).notNullable()
      table.integer('listeners').unsigned().notNullable()
      // Icecast's own peak since the mount started.
      table.integer('peak').unsigned().notNullable()
      table.index(['station_id', 'at'])
    })

    this.schema.createTable('listener_sessions', (table) => {
      table.bigIncrements('id')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.string('mount', 255).notNullable()
      // Icecast's client id: unique per server run.
      table.string('client_id', 32).notNullable()
      // SHA-256 of the address with the app key: counts unique listeners, keeps no address.
      table.string('ip_hash', 64).notNullable()
      table.string('user_agent', 255).nullable()
      table.datetime('started_at', { precision: 3 }).notNullable()
      table.datetime('last_seen_at', { precision: 3 }).notNullable()
      table.datetime('ended_at', { precision: 3 }).nullable()
      table.integer('duration').unsigned().notNullable().defaultTo(0)
      table.index(['station_id', 'started_at'])
      table.index(['station_id', 'ended_at'])
    })
  }

  async down() {
    this.schema.dropTable('listener_sessions')
    this.schema.dropTable('listener_samples')
  }
}
