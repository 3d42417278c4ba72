/*
| Links are built from route names (`route()` in views, `toRoute()` and
| `router.makeUrl()` in code), so a URL changes in start/routes/ only.
| A quoted path into the staff CMS or a redirect to a literal path is a
| link built by hand.
*/
import { test } from '@japa/runner'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { coverUrl, episodeUrl } from '#on_air/on_air_log'

const FOLDERS = ['app/controllers', 'app/middleware', 'resources/views']
/** `'/staff'`, `"/staff/programs/"`, `` `/staff/${id}` ``; not the stylesheet `/staff.js`. */
const STAFF_PATH = /["'`]\/staff(?=["'`/?{$])/
const LITERAL_REDIRECT = /redirect\(\s*["'`]\//

function handBuiltLinks() {
  return FOLDERS.flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.(ts|edge)$/.test(name))
      .flatMap((name) => {
        const file = join(folder, name)
        return readFileSync(file, 'utf8')
          .split('\n')
          .map((line, index) => ({ where: `${file}:${index + 1}`, line: line.trim() }))
          .filter(({ line }) => STAFF_PATH.test(line) || LITERAL_REDIRECT.test(line))
      })
  )
}

test.group('Named routes', () => {
  test('no controller, middleware or view builds a staff URL or a redirect by hand', ({
    assert,
  }) => {
    assert.deepEqual(handBuiltLinks(), [])
  })

  test('the check sees a hand-built staff link and a literal redirect', ({ assert }) => {
    assert.isTrue(STAFF_PATH.test('<a href="/staff/programs/{{ program.id }}">'))
    assert.isTrue(STAFF_PATH.test("response.redirect('/staff')"))
    assert.isTrue(STAFF_PATH.test('`/staff/users/${user.id}`'))
    assert.isTrue(LITERAL_REDIRECT.test("response.redirect('/week')"))
    assert.isFalse(STAFF_PATH.test('<script src="/staff.js" defer>'))
    assert.isFalse(LITERAL_REDIRECT.test("response.redirect().toRoute('staff.dashboard')"))
  })

  test('public links are built where no HTTP server runs (commands publishing now playing)', ({
    assert,
  }) => {
    // The unit suite starts no server, as `events:deliver` and `radiovis:serve` do not.
    assert.equal(episodeUrl('night-owls', 'ep-1'), '/programs/night-owls/ep-1')
    assert.equal(coverUrl('ab12.jpg'), '/covers/ab12.jpg')
    assert.isNull(coverUrl(null))
  })
})
