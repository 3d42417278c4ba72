import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('episodes', (table) => {
      table.increments('id')
      table
        .integer('program_id')
        .unsigned()
        .notNullable()
        .references('programs.id')
        .onDelete('CASCADE')
      table.string('title', 255).notNullable()
      table.string('slug', 128).notNullable()
      table.text('content').nullable()
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.unique(['program_id', 'slug'])
    })

    this.schema.createTable('diffusions', (table) => {
      table.increments('id')
      table
        .integer('episode_id')
        .unsigned()
        .notNullable()
        .references('episodes.id')
        .onDelete('CASCADE')
      table
        .integer('program_id')
        .unsigned()
        .notNullable()
        .references('programs.id')
        .onDelete('CASCADE')
      table
        .integer('schedule_id')
        .unsigned()
        .nullable()
        .references('schedules.id')
        .onDelete('SET NULL')
      // A rerun points at its initial diffusion and shares its episode.
      table
        .integer('initial_id')
        .unsigned()
        .nullable()
        .references('diffusions.id')
        .onDelete('CASCADE')
      table.string('type', 16).notNullable()
      table.datetime('start').notNullable()
      table.datetime('end').notNullable()
      // The schedule's local date that produced it: the key regeneration
      // matches on, so a diffusion moved by hand is still recognised.
      table.string('occurrence_date', 10).nullable()
      // Moved or cancelled by hand: schedule edits and regeneration leave it be.
      table.boolean('edited').notNullable().defaultTo(false)
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.unique(['schedule_id', 'occurrence_date'])
      table.index(['start'])
      table.index(['end'])
      table.index(['program_id', 'start'])
      table.index(['episode_id'])
      table.index(['initial_id'])
      table.index(['type', 'start'])
    })
  }

  async down() {
    this.schema.dropTable('diffusions')
    this.schema.dropTable('episodes')
  }
}
