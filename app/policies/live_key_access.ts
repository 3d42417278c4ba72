/*
| Whose live key a staff member may revoke: their own (anyone), anyone's
| (an admin), or a user of one of their stations (a manager: on the
| station's staff or hosting one of its programs; never an admin). Making
| a key is always for oneself: a key is shown to whoever makes it.
*/
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import type { StaffAccess } from '#policies/staff_access'

/** The stations a user works for: those they are on the staff of, and those of the programs they host. */
export async function stationIdsOfUser(userId: number): Promise<Set<number>> {
  const [staff, hosted] = await Promise.all([
    db.from('station_user').where('user_id', userId).select('station_id'),
    db
      .from('program_user')
      .join('programs', 'programs.id', 'program_user.program_id')
      .where('program_user.user_id', userId)
      .select('programs.station_id as station_id'),
  ])
  return new Set([...staff, ...hosted].map((row) => Number(row.station_id)))
}

export async function mayRevokeLiveKeyOf(access: StaffAccess, account: User): Promise<boolean> {
  if (account.id === access.user.id || access.isAdmin) return true
  if (!access.isManager || account.role === 'admin') return false
  for (const stationId of await stationIdsOfUser(account.id))
    if (access.managesStation(stationId)) return true
  return false
}

/** The user whose key is to be revoked: a 404 when there is none, a 403 unless allowed. */
export async function findUserForLiveKey(access: StaffAccess, id: number | string) {
  const account = await User.findOrFail(id)
  access.authorize(await mayRevokeLiveKeyOf(access, account), 'the live key of this user')
  return account
}
