import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * How many times a diffusion's time or status changed: the calendar's
 * SEQUENCE (RFC 5545 §3.8.7.4), so that calendar clients replace the event
 * they keep instead of showing the old time beside the new.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('diffusions', (table) => {
      table.integer('sequence').unsigned().notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('diffusions', (table) => {
      table.dropColumn('sequence')
    })
  }
}
