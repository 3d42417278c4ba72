import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Who plays each station when several streamers run against one database
 * (issue 17). `station_leases`: one row per station, held by one node until
 * `expires_at` (epoch ms, the database's clock), with a fencing `token` that
 * grows at each takeover: on-air log writes carry theirs and are refused once
 * it is not the row's. `streamer_nodes`: what each node last said of itself
 * per station (leader or standby, ready), for doctor.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('station_leases', (table) => {
      table.integer('station_id').unsigned().primary().references('stations.id').onDelete('CASCADE')
      table.string('holder', 128).notNullable()
      table.bigInteger('token').unsigned().notNullable()
      table.bigInteger('expires_at').notNullable()
      table.bigInteger('acquired_at').notNullable()
    })
    this.schema.createTable('streamer_nodes', (table) => {
      table.string('node', 128).notNullable()
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      // 'leader' or 'standby'.
      table.string('role', 16).notNullable()
      // A standby is ready when its Liquidsoap answers with the current script.
      table.boolean('ready').notNullable()
      table.bigInteger('token').unsigned().nullable()
      table.string('detail', 255).nullable()
      table.bigInteger('seen_at').notNullable()
      table.primary(['node', 'station_id'])
    })
  }

  async down() {
    this.schema.dropTable('streamer_nodes')
    this.schema.dropTable('station_leases')
  }
}
