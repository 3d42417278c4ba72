import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Edge relays: Icecast servers that pull the stations' mounts from the
 * origin and serve listeners (issue 17). An edge relays every station unless
 * it names some in `edge_station`. Listener statistics are sampled per edge
 * (`listener_samples.edge_id`, null at the origin).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('edges', (table) => {
      table.increments('id')
      table.string('name', 64).notNullable().unique()
      // Where the edge's Icecast listens (its address as the origin and the pollers reach it).
      table.string('host', 255).notNullable()
      table.integer('port').unsigned().notNullable()
      // The edge's own source/relay password (its icecast.xml).
      table.string('relay_password', 255).notNullable()
      // Its Icecast admin account: statistics and health read its listeners with it.
      table.string('admin_user', 64).notNullable().defaultTo('admin')
      table.string('admin_password', 255).notNullable()
      // Where listeners reach it when not at http://host:port (a public name, TLS in front).
      table.string('public_url', 500).nullable()
      // A free label ("eu-west", "campus"): the player lists the listener's region first.
      table.string('region', 64).nullable()
      table.boolean('active').notNullable().defaultTo(true)
      // True: relays every active station; false: only those in edge_station.
      table.boolean('all_stations').notNullable().defaultTo(true)
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
    })
    this.schema.createTable('edge_station', (table) => {
      table.integer('edge_id').unsigned().notNullable().references('edges.id').onDelete('CASCADE')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.primary(['edge_id', 'station_id'])
    })
    this.schema.alterTable('listener_samples', (table) => {
      table.integer('edge_id').unsigned().nullable()
    })
    this.schema.alterTable('listener_sessions', (table) => {
      table.integer('edge_id').unsigned().nullable()
    })
  }

  async down() {
    this.schema.alterTable('listener_sessions', (table) => table.dropColumn('edge_id'))
    this.schema.alterTable('listener_samples', (table) => table.dropColumn('edge_id'))
    this.schema.dropTable('edge_station')
    this.schema.dropTable('edges')
  }
}
