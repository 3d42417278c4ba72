/*
| A station's lease in the database (station_leases): the node that holds it
| plays and monitors the station; the others stand by. Every comparison uses
| the database's clock, so that the hosts' clocks never decide who plays.
| Each acquisition by another node adds one to the fencing token, which
| on-air log writes carry (log_journal.ts): a node that lost the lease to
| another cannot write any more, even what it journaled before.
|
| The rules of when to renew, when to stop the outputs and when to take over
| are in lease_rules.ts; this file is the SQL.
*/
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

export const LEASES = 'station_leases'

/** The database's clock in epoch ms, as SQL. */
export function databaseNow(client: QueryClientContract) {
  return client.dialect.name === 'mysql'
    ? 'CAST(ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)'
    : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
}

export interface LeaseRow {
  holder: string
  token: number
  expiresAt: number
  /** The database's clock when read. */
  now: number
}

export class StationLease {
  constructor(
    readonly stationId: number,
    /** This node's name. */
    readonly node: string,
    readonly durationMs: number,
    readonly connection: () => QueryClientContract = () => db.connection()
  ) {}

  /**
   * Takes the lease if it expired (or this node held it, before a restart):
   * the new token, or null when another node holds it.
   */
  async acquire(): Promise<number | null> {
    const client = this.connection()
    const now = databaseNow(client)
    const updated = await client
      .from(LEASES)
      .where('station_id', this.stationId)
      .where((q) => q.whereRaw(`expires_at < ${now}`).orWhere('holder', this.node))
      .update({
        // A node taking its own lease back keeps its token: nobody held it in between, so
        // what it journaled meanwhile is still the station's log. First: MariaDB reads
        // `holder` as already updated in the assignments after its own.
        token: db.knexRawQuery('CASE WHEN holder = ? THEN token ELSE token + 1 END', [this.node]),
        holder: this.node,
        expires_at: db.knexRawQuery(`${now} + ?`, [this.durationMs]),
        acquired_at: db.knexRawQuery(now),
      })
    if (Number(updated) === 0) {
      const exists = await client.from(LEASES).where('station_id', this.stationId).first()
      if (exists) return null
      // The first lease of the station: two nodes may insert at once, the primary key picks one.
      const inserted = await client
        .table(LEASES)
        .insert({
          station_id: this.stationId,
          holder: this.node,
          token: 1,
          expires_at: db.knexRawQuery(`${now} + ?`, [this.durationMs]),
          acquired_at: db.knexRawQuery(now),
        })
        .then(() => true)
        .catch(() => false)
      if (!inserted) return null
    }
    const row = await client
      .from(LEASES)
      .where('station_id', this.stationId)
      .where('holder', this.node)
      .select('token')
      .first()
    return row ? Number(row.token) : null
  }

  /**
   * Extends the lease held with `token`; false once another node took it.
   * Allowed after expiry as long as nobody took it: the token says so.
   */
  async renew(token: number): Promise<boolean> {
    const client = this.connection()
    const updated = await client
      .from(LEASES)
      .where('station_id', this.stationId)
      .where('holder', this.node)
      .where('token', token)
      .update({ expires_at: db.knexRawQuery(`${databaseNow(client)} + ?`, [this.durationMs]) })
    return Number(updated) > 0
  }

  /** Gives the lease up at once (a clean stop, outputs already off): a standby takes over without waiting. */
  async release(token: number): Promise<void> {
    const client = this.connection()
    await client
      .from(LEASES)
      .where('station_id', this.stationId)
      .where('holder', this.node)
      .where('token', token)
      .update({ expires_at: 0 })
  }

  /** Who holds the lease, as of the database's clock. */
  async current(): Promise<LeaseRow | null> {
    return currentLease(this.stationId, this.connection())
  }
}

export async function currentLease(
  stationId: number,
  client: QueryClientContract = db.connection()
): Promise<LeaseRow | null> {
  const row = await client
    .from(LEASES)
    .where('station_id', stationId)
    .select('holder', 'token', 'expires_at', db.knexRawQuery(`${databaseNow(client)} as now`))
    .first()
  if (!row) return null
  return {
    holder: row.holder,
    token: Number(row.token),
    expiresAt: Number(row.expires_at),
    now: Number(row.now),
  }
}
