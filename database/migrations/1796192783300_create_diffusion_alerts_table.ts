import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The `diffusion_at_risk` events already told, one row per diffusion and
 * threshold (24 h, 1 h before): its unique key is what makes each alert go
 * once, across restarts and however many deliverers run.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('diffusion_alerts', (table) => {
      table.increments('id')
      table
        .integer('diffusion_id')
        .unsigned()
        .notNullable()
        .references('diffusions.id')
        .onDelete('CASCADE')
      // '24h' or '1h'.
      table.string('threshold', 8).notNullable()
      table.datetime('alerted_at', { precision: 3 }).notNullable()
      table.unique(['diffusion_id', 'threshold'])
    })
  }

  async down() {
    this.schema.dropTable('diffusion_alerts')
  }
}
