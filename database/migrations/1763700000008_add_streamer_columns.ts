import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // The live input of a station: a harbor port and its source password.
    this.schema.alterTable('stations', (table) => {
      table.integer('harbor_port').unsigned().nullable()
      table.string('harbor_password', 255).nullable()
    })

    // Loudness measured by the library (EBU R128); the streamer turns it into a gain.
    this.schema.alterTable('sounds', (table) => {
      table.double('loudness').nullable()
      table.double('true_peak').nullable()
      table.double('loudness_range').nullable()
    })
  }

  async down() {
    this.schema.alterTable('sounds', (table) => {
      table.dropColumn('loudness')
      table.dropColumn('true_peak')
      table.dropColumn('loudness_range')
    })
    this.schema.alterTable('stations', (table) => {
      table.dropColumn('harbor_port')
      table.dropColumn('harbor_password')
    })
  }
}
