/*
| Staff sessions live on the server (config/session.ts), each tagged with its
| user and carrying the user's session version. Ending a user's sessions
| (issue 12, #5) deletes them from the store and raises the version, so that
| a session written back by a request still in flight is refused as well
| (the auth middleware compares the versions).
*/
import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import { SessionCollection } from '@adonisjs/session'
import User from '#models/user'

const VERSION_KEY = 'staff_session_version'

/** Logs the user in on a new session id, tagged with the user and the current version. */
export async function startSession(ctx: HttpContext, user: User) {
  await ctx.auth.use('web').login(user)
  ctx.session.put(VERSION_KEY, user.sessionVersion)
  await ctx.session.tag(String(user.id))
}

/**
 * Whether the session still belongs to the user's current version. A session
 * without one (the test client's `loginAs`) counts as the first version.
 */
export function isCurrentSession(ctx: HttpContext, user: User) {
  return Number(ctx.session.get(VERSION_KEY, 0)) === Number(user.sessionVersion)
}

/** Logout: the session is emptied and its row deleted when it is committed. */
export async function endSession(ctx: HttpContext) {
  await ctx.auth.use('web').logout()
  ctx.session.clear()
}

/**
 * Ends every session of the user (a password or role change, a deleted
 * account), except the one making the request when it is the user's own: an
 * admin who changes their own password stays logged in here only.
 */
export async function endSessionsOf(user: User, current?: HttpContext) {
  const keep = current && current.auth.user?.id === user.id ? current.session.sessionId : null
  if (!user.$isDeleted) {
    await User.query().where('id', user.id).increment('session_version', 1)
    await user.refresh()
    if (keep) current!.session.put(VERSION_KEY, user.sessionVersion)
  }
  const sessions = await app.container.make(SessionCollection)
  for (const { id } of await sessions.tagged(String(user.id)))
    if (id !== keep) await sessions.destroy(id)
}

/** A password change revokes the user's API tokens too: a stolen token dies with the password. */
export async function revokeApiTokensOf(user: User) {
  for (const token of await User.accessTokens.all(user))
    await User.accessTokens.delete(user, token.identifier)
}
