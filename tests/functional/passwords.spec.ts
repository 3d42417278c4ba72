import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#models/user'
import UsersCreate from '#commands/users_create'
import { UserFactory } from '#database/factories/user_factory'
import { runCommand } from '#tests/helpers'

/** users:create reads the password from ANTENNE_PASSWORD in scripts. */
async function usersCreate(password: string, ...args: string[]) {
  const saved = process.env.ANTENNE_PASSWORD
  process.env.ANTENNE_PASSWORD = password
  try {
    return await runCommand(UsersCreate, args)
  } finally {
    if (saved === undefined) delete process.env.ANTENNE_PASSWORD
    else process.env.ANTENNE_PASSWORD = saved
  }
}

const accounts = () => db.from('users').orderBy('id').select('id', 'email', 'password', 'role')

test.group('Weak passwords are refused everywhere a password is set', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('{$self}')
    .with(
      [
        { password: '1111111111', reason: /at least 12 characters/ },
        { password: '111111111111', reason: /only digits/ },
        { password: 'aaaaaaaaaaaaaaaa', reason: /one character or a few repeated/ },
        { password: 'Password2024!', reason: /too common/ },
        { password: 'newadmin-radio-2026', reason: /must not contain the email/ },
      ].map((c) => ({
        ...c,
        toString: () =>
          `users:create with ${JSON.stringify(c.password)}: one E_INVALID_ARGUMENT line, exit 1, no account`,
      }))
    )
    .run(async ({ assert }, { password, reason }) => {
      const before = await accounts()
      const { exitCode, output } = await usersCreate(
        password,
        'newadmin-radio-2026@radio.example',
        '--role',
        'admin'
      )
      assert.equal(exitCode, 1)
      const lines = output.split('\n').filter((line) => line.includes('E_'))
      assert.lengthOf(lines, 1, output)
      assert.match(lines[0], /E_INVALID_ARGUMENT: /)
      assert.match(lines[0], reason)
      assert.deepEqual(await accounts(), before)
    })

  test('users:create still takes a good password', async ({ assert }) => {
    const { exitCode, output } = await usersCreate(
      'Les ondes du soir',
      'desk@radio.example',
      '--role',
      'host'
    )
    assert.equal(exitCode, 0, output)
    assert.isTrue(
      await (
        await User.findByOrFail('email', 'desk@radio.example')
      ).verifyPassword('Les ondes du soir')
    )
  })

  test('the CMS refuses a weak password for a new account and for a password change, in English and French; nothing changes', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const host = await UserFactory.create()
    const before = await accounts()

    const created = await client
      .post('/staff/users')
      .form({ email: 'x1@radio.example', role: 'host', password: '1111111111' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/users/create')
      .redirects(0)
    created.assertStatus(302)
    created.assertFlashMessage('inputErrorsBag', {
      password: ['The password field must have at least 12 characters'],
    })

    const common = await client
      .post('/staff/users')
      .form({ email: 'x2@radio.example', role: 'host', password: 'qwertyuiop2024' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', '/staff/users/create')
      .redirects(0)
    common.assertFlashMessage('inputErrorsBag', {
      password: ['This password is too common: choose another one'],
    })

    const digits = await client
      .post(`/staff/users/${host.id}`)
      .form({ email: host.email, role: 'host', password: '123456789012' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', `/staff/users/${host.id}`)
      .redirects(0)
    digits.assertFlashMessage('inputErrorsBag', {
      password: ['The password must not be only digits or only symbols'],
    })

    const ownEmail = await client
      .post(`/staff/users/${host.id}`)
      .form({ email: host.email, role: 'host', password: `${host.email}!` })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', `/staff/users/${host.id}`)
      .redirects(0)
    ownEmail.assertFlashMessage('inputErrorsBag', {
      password: ['The password must not contain the email address'],
    })

    const french = await client
      .post(`/staff/users/${host.id}`)
      .form({ email: host.email, role: 'host', password: 'motdepasse2026' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', `/staff/users/${host.id}`)
      .header('accept-language', 'fr')
      .redirects(0)
    french.assertFlashMessage('inputErrorsBag', {
      password: ['Ce mot de passe est trop courant : choisissez-en un autre'],
    })

    assert.deepEqual(await accounts(), before)
    assert.isTrue(await (await User.findOrFail(host.id)).verifyPassword('a-long-password'))

    // A good one is taken.
    const good = await client
      .post(`/staff/users/${host.id}`)
      .form({ email: host.email, role: 'host', password: 'Les ondes du soir' })
      .withCsrfToken()
      .loginAs(admin)
      .header('referer', `/staff/users/${host.id}`)
      .redirects(0)
    good.assertStatus(302)
    assert.isUndefined(good.flashMessages().inputErrorsBag)
    assert.isTrue(await (await User.findOrFail(host.id)).verifyPassword('Les ondes du soir'))
  })
})
