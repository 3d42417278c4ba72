import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A sink's free options (Flussonic passes a block's other options on to the
 * receiver): a JSON object of text values, null when there are none.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('event_sinks', (table) => {
      table.text('options').nullable()
    })
  }

  async down() {
    this.schema.alterTable('event_sinks', (table) => {
      table.dropColumn('options')
    })
  }
}
