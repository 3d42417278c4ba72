import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // What really went on air. Rows outlive what they point at.
    this.schema.createTable('logs', (table) => {
      table.bigIncrements('id')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.string('type', 16).notNullable()
      // Millisecond precision: the air time the streamer observed.
      table.datetime('date', { precision: 3 }).notNullable()
      // Liquidsoap source id, kept as text so that it survives renames.
      table.string('source', 64).nullable()
      table.text('comment').nullable()
      table.integer('sound_id').unsigned().nullable().references('sounds.id').onDelete('SET NULL')
      table.integer('track_id').unsigned().nullable().references('tracks.id').onDelete('SET NULL')
      table
        .integer('diffusion_id')
        .unsigned()
        .nullable()
        .references('diffusions.id')
        .onDelete('SET NULL')
      table.index(['station_id', 'date'])
      table.index(['station_id', 'type', 'date'])
      table.index(['diffusion_id'])
    })
  }

  async down() {
    this.schema.dropTable('logs')
  }
}
