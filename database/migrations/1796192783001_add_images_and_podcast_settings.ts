import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Images uploaded in the CMS (a program's and an episode's cover, a
 * station's logo), each the content hash its resized files are named by
 * (app/images/image_store.ts); and what podcast directories ask of a feed:
 * a program's category and explicit flag, the station's author and owner, and its language (a feed's, whoever fetches it).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('programs', (table) => {
      table.string('image', 64).nullable()
      table.string('podcast_category', 100).nullable()
      table.boolean('podcast_explicit').notNullable().defaultTo(false)
    })
    this.schema.alterTable('episodes', (table) => {
      table.string('image', 64).nullable()
    })
    this.schema.alterTable('stations', (table) => {
      table.string('logo', 64).nullable()
      table.string('language', 35).nullable()
      table.string('podcast_author', 200).nullable()
      table.string('podcast_email', 254).nullable()
    })
  }

  async down() {
    this.schema.alterTable('stations', (table) => {
      table.dropColumns('logo', 'language', 'podcast_author', 'podcast_email')
    })
    this.schema.alterTable('episodes', (table) => {
      table.dropColumn('image')
    })
    this.schema.alterTable('programs', (table) => {
      table.dropColumns('image', 'podcast_category', 'podcast_explicit')
    })
  }
}
