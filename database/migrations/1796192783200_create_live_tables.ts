import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Live shows (issue 16): each host's own key (stored as its SHA-256: a key
 * is 32 random bytes, so a slow hash adds nothing), every login attempt at
 * a station's live input, and the station's live settings.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('live_keys', (table) => {
      table.increments('id')
      table.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE')
      table.string('key_hash', 64).notNullable().unique()
      // The key's first characters, so that a host can tell which key a list shows.
      table.string('hint', 8).notNullable()
      table.datetime('created_at').notNullable()
      table.datetime('revoked_at').nullable()
      table.datetime('last_used_at').nullable()
      table.index(['user_id', 'revoked_at'])
    })

    this.schema.createTable('live_attempts', (table) => {
      table.bigIncrements('id')
      // Written by the gate, imported by the streamer: the same line twice is one row.
      table.string('uuid', 36).notNullable().unique()
      table
        .integer('station_id')
        .unsigned()
        .notNullable()
        .references('stations.id')
        .onDelete('CASCADE')
      table.integer('user_id').unsigned().nullable().references('users.id').onDelete('SET NULL')
      // What the source client sent as its user name, cut to 190 characters.
      table.string('user_name', 190).notNullable()
      table.string('address', 64).notNullable()
      table.datetime('at', { precision: 3 }).notNullable()
      table.boolean('accepted').notNullable()
      table.string('reason', 40).notNullable()
      table.integer('diffusion_id').unsigned().nullable()
      table.index(['station_id', 'at'])
    })

    this.schema.alterTable('stations', (table) => {
      // A host may connect this long before a diffusion, and stays on this long after its end.
      table.integer('live_margin_before').notNullable().defaultTo(600)
      table.integer('live_margin_after').notNullable().defaultTo(120)
      // Seconds of silence on the live input before it leaves the air (0: never).
      table.integer('live_silence_after').notNullable().defaultTo(15)
      // What airs meanwhile: the rotation (null) or this jingle, looped.
      table.string('live_silence_jingle', 1000).nullable()
      // How a live show is recorded into its program's archives: mp3, ogg or flac; none: not recorded.
      table.string('live_record_format', 8).nullable().defaultTo('mp3')
    })
  }

  async down() {
    this.schema.alterTable('stations', (table) => {
      table.dropColumn('live_margin_before')
      table.dropColumn('live_margin_after')
      table.dropColumn('live_silence_after')
      table.dropColumn('live_silence_jingle')
      table.dropColumn('live_record_format')
    })
    this.schema.dropTable('live_attempts')
    this.schema.dropTable('live_keys')
  }
}
