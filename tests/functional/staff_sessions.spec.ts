import { test } from '@japa/runner'
import type { Group } from '@japa/runner/core'
import db from '@adonisjs/lucid/services/db'
import encryption from '@adonisjs/core/services/encryption'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { freePort, startWebServer, type WebServer } from '#tests/web_server'
import { StaffBrowser } from '#tests/staff_browser'

/*
| Issue 12, #4, #5 and #6, tried as the attacker did: against the real web
| server with the production stores (sessions and login counters in the
| database), a browser whose cookies are copied, replayed or forged.
| The server runs in its own process: the users are committed here and
| deleted after, with their sessions and counters.
*/
const PASSWORD = 'Quasar-Tilt-Ferry-41'
const NEW_PASSWORD = 'Ombre-Violette-Sur-Le-Quai-9'

let server: WebServer
const users: User[] = []

async function staff(role: 'admin' | 'manager' | 'host') {
  const user = await UserFactory.merge({ role, password: PASSWORD }).create()
  users.push(user)
  return user
}

async function loggedIn(user: User, password = PASSWORD) {
  const browser = new StaffBrowser(server.port)
  const response = await browser.logIn(user.email, password)
  if (response.headers.get('location') !== '/staff')
    throw new Error(
      `${user.email} could not log in: ${response.status} ${response.headers.get('location')}`
    )
  return browser
}

/** Where a GET sends this browser: 200 for a page, else the redirect's target. */
async function land(browser: StaffBrowser, path: string) {
  const response = await browser.get(path)
  return response.status === 200 ? 200 : `${response.status} ${response.headers.get('location')}`
}

async function sessionsOf(user: User) {
  return db.from('sessions').where('user_id', String(user.id))
}

/** A group's own web server with these stores; its users, their sessions and the login counters go with it. */
function serveWith(group: Group, stores: { SESSION_DRIVER: string; LIMITER_STORE: string }) {
  group.setup(async () => {
    server = await startWebServer(await freePort(), stores)
    return async () => {
      await server.stop()
      for (const user of users.splice(0)) {
        await db.from('sessions').where('user_id', String(user.id)).delete()
        await User.query().where('id', user.id).delete()
      }
      await db.from('rate_limits').where('key', 'like', '%login_%').delete()
    }
  })
}

test.group('Staff sessions live on the server (issue 12, #4 and #5)', (group) => {
  serveWith(group, { SESSION_DRIVER: 'database', LIMITER_STORE: 'database' })

  test('a cookie copied before logout is refused after it, and its session row is gone', async ({
    assert,
  }) => {
    const admin = await staff('admin')
    const browser = await loggedIn(admin)
    assert.equal(await land(browser, '/staff/users'), 200)
    assert.lengthOf(await sessionsOf(admin), 1)
    const stolen = browser.cookieHeader

    const out = await browser.post('/staff/logout', {}, '/staff')
    assert.equal(out.headers.get('location'), '/staff/login')

    const thief = StaffBrowser.withCookies(server.port, stolen)
    assert.equal(await land(thief, '/staff/users'), '302 /staff/login')
    assert.equal(await land(thief, '/staff'), '302 /staff/login')
    assert.lengthOf(await sessionsOf(admin), 0)
  })

  test('APP_KEY alone forges no session: a sealed cookie session of an admin is not read, and the real cookie holds only an id', async ({
    assert,
  }) => {
    const admin = await staff('admin')
    // What worked with the cookie store: a session id and its data, both sealed with APP_KEY.
    const sessionId = 'forged-session-id-000000'
    const sealedId = `s:${encryption.verifier.sign(sessionId, undefined, 'antenne-session')}`
    const sealedData = `e:${encryption.encrypt({ auth_web: admin.id }, undefined, sessionId)}`
    const forger = StaffBrowser.withCookies(
      server.port,
      `antenne-session=${encodeURIComponent(sealedId)}; ${sessionId}=${encodeURIComponent(sealedData)}`
    )
    assert.equal(await land(forger, '/staff/users'), '302 /staff/login')
    // The signed id is taken for a new, empty session (login would replace it): nothing of the sealed data.
    const kept = await db.from('sessions').where('id', sessionId).first()
    assert.notInclude(String(kept?.data), 'auth_web')
    assert.notExists(kept?.user_id)

    // A real login: the cookie carries a signed random id; the data is in the database only.
    const browser = await loggedIn(admin)
    assert.sameMembers(
      [...browser.cookies.keys()].filter((name) => name !== 'XSRF-TOKEN'),
      ['antenne-session']
    )
    const id = encryption.verifier.unsign(
      decodeURIComponent(browser.cookies.get('antenne-session')!).slice(2),
      'antenne-session'
    )
    assert.match(String(id), /^[a-z0-9]{20,}$/)
    const [row] = await sessionsOf(admin)
    assert.equal(row.id, id)
    assert.include(row.data, `"auth_web":${admin.id}`)
  })

  test('after an admin resets a password, the old session and the old API token of that user are refused; the admin stays logged in', async ({
    assert,
  }) => {
    const admin = await staff('admin')
    const manager = await staff('manager')
    const desk = await loggedIn(admin)
    const victim = await loggedIn(manager)
    const stolen = victim.cookieHeader
    const token = await User.accessTokens.create(manager)
    const bearer = { authorization: `Bearer ${token.value!.release()}`, accept: 'application/json' }
    const apiCall = () =>
      fetch(`http://127.0.0.1:${server.port}/api/v1/diffusions/999999999`, {
        method: 'PATCH',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: '{}',
      })
    assert.notEqual((await apiCall()).status, 401, 'the token works before')
    assert.equal(await land(victim, '/staff'), 200)

    const reset = await desk.post(
      `/staff/users/${manager.id}`,
      { email: manager.email, role: 'manager', password: NEW_PASSWORD },
      `/staff/users/${manager.id}`
    )
    assert.equal(reset.status, 302)
    assert.notEqual(reset.headers.get('location'), '/staff/login')

    assert.equal(
      await land(StaffBrowser.withCookies(server.port, stolen), '/staff'),
      '302 /staff/login'
    )
    assert.equal((await apiCall()).status, 401)
    assert.lengthOf(await db.from('auth_access_tokens').where('tokenable_id', manager.id), 0)
    assert.lengthOf(await sessionsOf(manager), 0)
    assert.equal(await land(desk, '/staff/users'), 200, 'the admin who reset it')
    // The new password works; the old one does not.
    assert.equal(
      (await new StaffBrowser(server.port).logIn(manager.email, PASSWORD)).headers.get('location'),
      '/staff/login'
    )
    assert.equal(await land(await loggedIn(manager, NEW_PASSWORD), '/staff'), 200)
  })

  test('the form says that a new password ends the sessions and revokes the API tokens, in English and in French', async ({
    assert,
  }) => {
    const admin = await staff('admin')
    const host = await staff('host')
    const desk = await loggedIn(admin)
    assert.include(
      await (await desk.get(`/staff/users/${host.id}`)).text(),
      'logs this user out everywhere and revokes their API tokens'
    )
    const bureau = await loggedIn(admin)
    bureau.headers['accept-language'] = 'fr'
    assert.include(
      await (await bureau.get(`/staff/users/${host.id}`)).text(),
      'déconnecte cet utilisateur partout et révoque ses jetons d’API'
    )
  })

  test('a session row written back by a request still in flight after the reset is refused all the same', async ({
    assert,
  }) => {
    const admin = await staff('admin')
    const host = await staff('host')
    const desk = await loggedIn(admin)
    const victim = await loggedIn(host)
    const [row] = await sessionsOf(host)

    await desk.post(
      `/staff/users/${host.id}`,
      { email: host.email, role: 'host', password: NEW_PASSWORD },
      `/staff/users/${host.id}`
    )
    assert.lengthOf(await sessionsOf(host), 0)
    // The request in flight commits its session after the reset: the row is back, as it was.
    await db.table('sessions').insert(row)

    assert.equal(await land(victim, '/staff'), '302 /staff/login')
  })

  test("a role change and a deleted account end that user's sessions", async ({ assert }) => {
    const admin = await staff('admin')
    const manager = await staff('manager')
    const host = await staff('host')
    const desk = await loggedIn(admin)
    const demoted = await loggedIn(manager)
    const deleted = await loggedIn(host)

    await desk.post(
      `/staff/users/${manager.id}`,
      { email: manager.email, role: 'host' },
      `/staff/users/${manager.id}`
    )
    assert.equal(await land(demoted, '/staff'), '302 /staff/login')
    assert.lengthOf(await sessionsOf(manager), 0)

    await desk.post(`/staff/users/${host.id}/delete`, {}, `/staff/users/${host.id}`)
    assert.notExists(await User.find(host.id))
    assert.equal(await land(deleted, '/staff'), '302 /staff/login')
    assert.lengthOf(await sessionsOf(host), 0)
    assert.equal(await land(desk, '/staff/users'), 200)
  })
})

test.group('Login throttling (issue 12, #6)', (group) => {
  serveWith(group, { SESSION_DRIVER: 'database', LIMITER_STORE: 'database' })
  // Each test starts with no counter: the server's address is the same for all of them.
  const clearCounters = async () => {
    await db.from('rate_limits').where('key', 'like', '%login_%').delete()
  }
  group.each.setup(async () => {
    await clearCounters()
    return clearCounters
  })

  test('5 wrong passwords for an account, then the right one is refused with a 429 that says when to retry; nothing was logged in', async ({
    assert,
  }) => {
    const manager = await staff('manager')
    const attacker = new StaffBrowser(server.port)
    for (let i = 0; i < 5; i++) {
      const wrong = await attacker.logIn(manager.email, `wrong-guess-${i}`)
      assert.equal(wrong.status, 302, `attempt ${i + 1}`)
      assert.equal(wrong.headers.get('location'), '/staff/login')
    }
    const right = await attacker.logIn(manager.email, PASSWORD)
    assert.equal(right.status, 429)
    assert.isAtLeast(Number(right.headers.get('retry-after')), 14 * 60)
    assert.include(
      await right.text(),
      'Too many failed logins for this account or from this address. Try again in 15 minutes.'
    )
    assert.equal(await land(attacker, '/staff'), '302 /staff/login')
    assert.lengthOf(await sessionsOf(manager), 0)
    // The case of the address does not make another account.
    assert.equal((await attacker.logIn(manager.email.toUpperCase(), PASSWORD)).status, 429)

    const french = new StaffBrowser(server.port, { 'accept-language': 'fr' })
    const refused = await french.logIn(manager.email, PASSWORD)
    assert.equal(refused.status, 429)
    assert.include(
      await refused.text(),
      'Trop d’échecs de connexion pour ce compte ou depuis cette adresse. Réessayez dans 15 minutes.'
    )
  })

  test("a successful login clears the account's count", async ({ assert }) => {
    const host = await staff('host')
    const browser = new StaffBrowser(server.port)
    for (let i = 0; i < 4; i++) await browser.logIn(host.email, `wrong-guess-${i}`)
    assert.equal((await browser.logIn(host.email, PASSWORD)).headers.get('location'), '/staff')
    await browser.post('/staff/logout', {}, '/staff')
    for (let i = 0; i < 4; i++)
      assert.equal((await browser.logIn(host.email, `wrong-again-${i}`)).status, 302)
    assert.equal((await browser.logIn(host.email, PASSWORD)).headers.get('location'), '/staff')
  })

  test('20 wrong passwords from one address, over many accounts, and the right password of another account is refused too', async ({
    assert,
  }) => {
    const host = await staff('host')
    const attacker = new StaffBrowser(server.port)
    for (let i = 0; i < 20; i++)
      assert.equal(
        (await attacker.logIn(`spray${i}@example.org`, 'Password123!')).status,
        302,
        `attempt ${i + 1}`
      )
    const right = await attacker.logIn(host.email, PASSWORD)
    assert.equal(right.status, 429)
    assert.lengthOf(await sessionsOf(host), 0)
  })
})

/** Redis is the optional store of several web hosts; `npm test` starts the local one (bin/test-all). */
test.group('Staff sessions in Redis (SESSION_DRIVER=redis)', (group) => {
  serveWith(group, { SESSION_DRIVER: 'redis', LIMITER_STORE: 'database' })

  test('a cookie copied before logout is refused after it; a password reset ends the other sessions of the user', async ({
    assert,
  }) => {
    const admin = await staff('admin')
    const host = await staff('host')
    const browser = await loggedIn(admin)
    const stolen = browser.cookieHeader
    await browser.post('/staff/logout', {}, '/staff')
    assert.equal(
      await land(StaffBrowser.withCookies(server.port, stolen), '/staff/users'),
      '302 /staff/login'
    )
    assert.lengthOf(await sessionsOf(admin), 0, 'nothing in the database')

    const desk = await loggedIn(admin)
    const victim = await loggedIn(host)
    await desk.post(
      `/staff/users/${host.id}`,
      { email: host.email, role: 'host', password: NEW_PASSWORD },
      `/staff/users/${host.id}`
    )
    assert.equal(await land(victim, '/staff'), '302 /staff/login')
    assert.equal(await land(desk, '/staff/users'), 200)
    await desk.post('/staff/logout', {}, '/staff')
  })
})
