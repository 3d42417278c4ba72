/*
| A named lease in the database: whoever holds it does a job that must run
| once however many processes could (the RadioVIS producer and its
| fallbacks). The holder renews it well before it expires; if the holder dies,
| another process takes it over once it has expired. Plain SQL on one row,
| so that it works the same on SQLite and MariaDB.
*/
import db from '@adonisjs/lucid/services/db'

const TABLE = 'leases'

export class NamedLease {
  constructor(
    readonly name: string,
    readonly holder: string,
    readonly durationMs = 10_000
  ) {}

  /** Whether this process holds the lease (as of its last `hold`). */
  get held() {
    return this.#heldUntil > Date.now()
  }

  #heldUntil = 0

  /**
   * Takes or renews the lease; true while this process holds it. A lease still
   * held by someone else is left alone.
   */
  async hold(now = Date.now()): Promise<boolean> {
    // Renewed once a third of it has run: a holder polling often writes rarely.
    if (this.#heldUntil - now > (this.durationMs * 2) / 3) return true
    const expiresAt = now + this.durationMs
    const updated = await db
      .from(TABLE)
      .where('name', this.name)
      .where((q) => q.where('holder', this.holder).orWhere('expires_at', '<', now))
      .update({ holder: this.holder, expires_at: expiresAt })
    let won = Number(updated) > 0
    if (!won) {
      const exists = await db.from(TABLE).where('name', this.name).first()
      if (!exists) {
        // Two processes may insert at once: the primary key lets one win.
        won = await db
          .table(TABLE)
          .insert({ name: this.name, holder: this.holder, expires_at: expiresAt })
          .then(() => true)
          .catch(() => false)
      }
    }
    this.#heldUntil = won ? expiresAt : 0
    return won
  }

  /** Gives the lease up (on shutdown), so that another process takes over at once. */
  async release() {
    if (!this.#heldUntil) return
    this.#heldUntil = 0
    await db.from(TABLE).where('name', this.name).where('holder', this.holder).delete()
  }
}
