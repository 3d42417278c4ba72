import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('schedules', (table) => {
      table.increments('id')
      table
        .integer('program_id')
        .unsigned()
        .notNullable()
        .references('programs.id')
        .onDelete('CASCADE')
      // Local dates and time, as text: they are wall-clock values, not instants.
      table.string('date', 10).notNullable()
      table.string('end_date', 10).nullable()
      table.string('time', 5).notNullable()
      table.string('timezone', 64).notNullable()
      table.integer('duration').unsigned().notNullable()
      table.string('frequency', 20).notNullable()
      // A rerun schedule points at its initial schedule.
      table
        .integer('initial_id')
        .unsigned()
        .nullable()
        .references('schedules.id')
        .onDelete('CASCADE')
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.index(['program_id'])
      table.index(['initial_id'])
    })
  }

  async down() {
    this.schema.dropTable('schedules')
  }
}
