import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('sounds', (table) => {
      table.increments('id')
      table
        .integer('program_id')
        .unsigned()
        .notNullable()
        .references('programs.id')
        .onDelete('CASCADE')
      table
        .integer('episode_id')
        .unsigned()
        .nullable()
        .references('episodes.id')
        .onDelete('SET NULL')
      table.string('name', 255).notNullable()
      // 700 characters: the longest text a unique index takes on MariaDB in utf8mb4.
      table.string('path', 700).notNullable().unique()
      table.string('type', 16).notNullable()
      table.double('duration').nullable()
      table.datetime('mtime').nullable()
      table.boolean('is_good_quality').nullable()
      table.boolean('is_public').notNullable().defaultTo(false)
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.index(['program_id', 'type'])
      table.index(['episode_id', 'type'])
    })

    this.schema.createTable('tracks', (table) => {
      table.increments('id')
      table
        .integer('episode_id')
        .unsigned()
        .nullable()
        .references('episodes.id')
        .onDelete('CASCADE')
      table.integer('sound_id').unsigned().nullable().references('sounds.id').onDelete('CASCADE')
      table.integer('position').unsigned().notNullable().defaultTo(0)
      // Seconds into the sound (no 32767 s cap, unlike Aircox).
      table.integer('timestamp').unsigned().nullable()
      table.string('title', 255).notNullable()
      table.string('artist', 255).nullable()
      table.string('album', 255).nullable()
      table.string('tags', 255).nullable()
      table.text('info').nullable()
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
      table.index(['episode_id', 'position'])
      table.index(['sound_id', 'position'])
      table.check('(episode_id IS NULL) <> (sound_id IS NULL)', [], 'tracks_episode_xor_sound')
    })
  }

  async down() {
    this.schema.dropTable('tracks')
    this.schema.dropTable('sounds')
  }
}
