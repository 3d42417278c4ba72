/*
| What the live gate knows, written by the streamer into the station's
| folder: the studio's key and each host's key as SHA-256, and the slots of
| the diffusions of their programs for the next two days. Rewritten when the
| programme or the keys change (the change stamp) and at every resync; a
| database away leaves the last one in place, so live shows go on.
*/
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Diffusion from '#models/diffusion'
import LiveKey from '#models/live_key'
import Station from '#models/station'
import { liveKeyHash, type LiveCredentials, type LiveHost } from '#live/live_login_rules'
import { stationPaths, writeAtomically } from '#streamer/station_config'

/** How far ahead the slots go: the gate keeps working this long without a streamer. */
const HORIZON_HOURS = 48
/** Revoked keys named per host, so that a refusal says "revoked" rather than "wrong key". */
const REVOKED_KEPT = 5

export async function liveCredentials(
  known: Station,
  now = DateTime.utc()
): Promise<LiveCredentials> {
  // The monitor's station may be older than its settings.
  const station = (await Station.find(known.id)) ?? known
  const before = station.liveMarginBefore ?? 0
  const after = station.liveMarginAfter ?? 0
  const diffusions = await Diffusion.query()
    .withScopes((s) => {
      s.station(station)
      s.onAir()
      s.initial()
      s.range(now.minus({ seconds: after }), now.plus({ hours: HORIZON_HOURS, seconds: before }))
    })
    .select('id', 'program_id', 'start', 'end')
  const hostsOf = await db
    .from('program_user')
    .join('programs', 'programs.id', 'program_user.program_id')
    .join('users', 'users.id', 'program_user.user_id')
    .where('programs.station_id', station.id)
    .select('program_user.program_id as programId', 'users.id as userId', 'users.email as email')
  const userIds = [...new Set(hostsOf.map((row) => row.userId as number))]
  const keys = userIds.length
    ? await LiveKey.query().whereIn('user_id', userIds).orderBy('id', 'desc')
    : []

  const hosts: LiveHost[] = []
  for (const userId of userIds) {
    const mine = keys.filter((k) => k.userId === userId)
    const active = mine.find((k) => k.revokedAt === null)
    if (!active) continue
    const programs = new Set(hostsOf.filter((r) => r.userId === userId).map((r) => r.programId))
    hosts.push({
      userId,
      email: String(hostsOf.find((r) => r.userId === userId)!.email).toLowerCase(),
      keyHash: active.keyHash,
      revokedHashes: mine
        .filter((k) => k.revokedAt !== null)
        .slice(0, REVOKED_KEPT)
        .map((k) => k.keyHash),
      windows: diffusions
        .filter((d) => programs.has(d.programId))
        .map((d) => ({
          from: d.start.toSeconds() - before,
          to: d.end.toSeconds() + after,
          diffusionId: d.id,
        })),
    })
  }
  return {
    station: station.slug,
    writtenAt: Math.floor(now.toSeconds()),
    stationKeyHash: station.harborPassword ? liveKeyHash(station.harborPassword) : null,
    hosts,
  }
}

/** Writes the station's credentials file (its owner only reads it); throws what the database or the disk says. */
export async function writeLiveCredentials(station: Station, now = DateTime.utc()) {
  const credentials = await liveCredentials(station, now)
  await writeAtomically(stationPaths(station).liveCredentials, JSON.stringify(credentials), 0o600)
  return credentials
}
