import { test } from '@japa/runner'
import { commonPasswords, passwordProblem } from '#cms/password_policy'

test.group('Staff passwords', () => {
  test('{$self}')
    .with(
      [
        { password: '1111111111', problem: 'passwordLength' },
        { password: 'short-pass', problem: 'passwordLength' },
        { password: '111111111111', problem: 'passwordOneKind' },
        { password: '202612312359', problem: 'passwordOneKind' },
        { password: '!@#$%^&*()_+', problem: 'passwordOneKind' },
        { password: 'aaaaaaaaaaaa', problem: 'passwordRepeated' },
        { password: 'abababababab', problem: 'passwordRepeated' },
        { password: 'abcdabcdabcd', problem: 'passwordRepeated' },
        { password: 'passwordpassword', problem: 'passwordCommon' },
        { password: 'Password2024!', problem: 'passwordCommon' },
        { password: 'QWERTYUIOP12', problem: 'passwordCommon' },
        { password: '1234azertyuiop', problem: 'passwordCommon' },
        { password: 'motdepasse123', problem: 'passwordCommon' },
        { password: 'sunshinesunshine', problem: 'passwordCommon' },
        {
          password: 'marie.dupont-2026',
          problem: 'passwordEmail',
          email: 'Marie.Dupont@radio.example',
        },
        {
          password: 'marie.dupont@radio.example',
          problem: 'passwordEmail',
          email: 'marie.dupont@radio.example',
        },
        { password: 'Les ondes du soir', problem: null },
        { password: 'a-long-password', problem: null },
        { password: 'k7#Pq2!vLm9z', problem: null },
      ].map((c) => ({
        ...c,
        toString: () => `${JSON.stringify(c.password)}: ${c.problem ?? 'accepted'}`,
      }))
    )
    .run(({ assert }, { password, problem, email }) => {
      assert.equal(passwordProblem(password, email ?? 'host@radio.example'), problem)
    })

  test('the shipped list of common passwords has a few hundred entries, in lowercase, comments skipped', ({
    assert,
  }) => {
    const list = commonPasswords()
    assert.isAbove(list.size, 300)
    assert.isTrue(list.has('password'))
    assert.isTrue(list.has('azerty'))
    assert.isFalse(
      [...list].some((entry) => entry.startsWith('#') || entry !== entry.toLowerCase())
    )
  })
})
