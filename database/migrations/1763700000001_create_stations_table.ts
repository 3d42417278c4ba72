import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('stations', (table) => {
      table.increments('id')
      table.string('name', 128).notNullable()
      table.string('slug', 64).notNullable().unique()
      table.string('timezone', 64).notNullable()
      // Working folder (station.liq, playlists, socket); empty: <stations dir>/<slug>.
      table.string('path', 512).nullable()
      table.boolean('is_default').notNullable().defaultTo(false)
      table.boolean('active').notNullable().defaultTo(true)
      // Host names the public site answers for this station, one per line.
      table.text('hosts').nullable()
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
    })

    this.schema.createTable('outputs', (table) => {
      table.increments('id')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.string('type', 16).notNullable()
      table.string('host', 255).nullable()
      table.integer('port').unsigned().nullable()
      // Icecast mount point, or the file path pattern of a recording.
      table.string('mount', 512).nullable()
      table.string('password', 255).nullable()
      table.string('format', 8).notNullable().defaultTo('mp3')
      table.integer('bitrate').unsigned().notNullable().defaultTo(128)
      table.boolean('active').notNullable().defaultTo(true)
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.index(['station_id', 'active'])
    })
  }

  async down() {
    this.schema.dropTable('outputs')
    this.schema.dropTable('stations')
  }
}
