import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.createTable('users', (table) => {
      table.increments('id')
      table.string('full_name', 255).nullable()
      table.string('email', 254).notNullable().unique()
      table.string('password', 255).notNullable()
      // admin | manager (of its stations) | host (of its programs)
      table.string('role', 16).notNullable().defaultTo('host')
      table.timestamp('created_at').nullable()
      table.timestamp('updated_at').nullable()
    })

    this.schema.createTable('station_user', (table) => {
      table.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE')
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.primary(['user_id', 'station_id'])
    })

    this.schema.createTable('program_user', (table) => {
      table.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE')
      table
        .integer('program_id')
        .unsigned()
        .notNullable()
        .references('programs.id')
        .onDelete('CASCADE')
      table.primary(['user_id', 'program_id'])
    })
  }

  async down() {
    this.schema.dropTable('program_user')
    this.schema.dropTable('station_user')
    this.schema.dropTable('users')
  }
}
