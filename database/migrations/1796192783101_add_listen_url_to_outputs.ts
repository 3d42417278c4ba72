import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Where listeners reach an Icecast mount when it is not where Liquidsoap
 * sends it (Icecast behind a proxy, a public host name): an absolute URL, or
 * a path on the site's public origin. Null: Icecast's own address.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('outputs', (table) => {
      table.string('listen_url', 500).nullable()
    })
  }

  async down() {
    this.schema.alterTable('outputs', (table) => {
      table.dropColumn('listen_url')
    })
  }
}
