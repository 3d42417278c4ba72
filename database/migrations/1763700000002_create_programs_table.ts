import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('programs', (table) => {
      table.increments('id')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.string('title', 255).notNullable()
      table.string('slug', 128).notNullable()
      table.text('description').nullable()
      table.boolean('active').notNullable().defaultTo(true)
      // Sound folder; empty: <programs dir>/<slug>.
      table.string('path', 512).nullable()
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.unique(['station_id', 'slug'])
    })

    // A program with a stream row plays in rotation (Aircox's Stream).
    this.schema.createTable('streams', (table) => {
      table.increments('id')
      table
        .integer('program_id')
        .unsigned()
        .notNullable()
        .references('programs.id')
        .onDelete('CASCADE')
      // Local HH:MM window in the station's zone; both empty: all day.
      table.string('begin', 5).nullable()
      table.string('end', 5).nullable()
      // Minimum seconds between two plays of the program.
      table.integer('delay').unsigned().notNullable().defaultTo(0)
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.index(['program_id'])
    })
  }

  async down() {
    this.schema.dropTable('streams')
    this.schema.dropTable('programs')
  }
}
