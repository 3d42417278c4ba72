import { BaseSchema } from '@adonisjs/lucid/schema'

/** What the library reads from the files (issue 4). */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('sounds', (table) => {
      table.bigInteger('size').unsigned().nullable()
      // Sampled content hash: a moved file is found by it and keeps its row.
      table.string('fingerprint', 64).nullable().index()
      table.string('title', 255).nullable()
      table.string('artist', 255).nullable()
      table.string('album', 255).nullable()
      table.integer('year').nullable()
      table.integer('track_number').nullable()
      // File name of the embedded cover in the covers folder.
      table.string('cover', 80).nullable()
      table.string('codec', 64).nullable()
      table.integer('sample_rate').nullable()
      table.integer('bitrate').nullable()
      table.integer('channels').nullable()
      // JSON array of the reasons a sound is not of good quality.
      table.text('quality_reasons').nullable()
      table.double('rms_level').nullable()
      // When the CSV tracklist beside the sound was imported (its mtime).
      table.datetime('tracklist_mtime').nullable()
    })
    this.schema.alterTable('programs', (table) => {
      // Aircox's playlists take any archive; ours only good ones unless the program says so.
      table.boolean('accept_any_quality').notNullable().defaultTo(false)
    })
  }

  async down() {
    this.schema.alterTable('programs', (table) => {
      table.dropColumn('accept_any_quality')
    })
    this.schema.alterTable('sounds', (table) => {
      table.dropIndex(['fingerprint'])
      table.dropColumns(
        'size',
        'fingerprint',
        'title',
        'artist',
        'album',
        'year',
        'track_number',
        'cover',
        'codec',
        'sample_rate',
        'bitrate',
        'channels',
        'quality_reasons',
        'rms_level',
        'tracklist_mtime'
      )
    })
  }
}
