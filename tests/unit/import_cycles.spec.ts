/*
| Models are the ground floor: features import models, never the other way
| round, so the only import cycles allowed are the models' own relations
| (a program has schedules, a schedule belongs to a program).
*/
import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import madge from 'madge'

/** The package.json `#alias/*` subpath imports as TypeScript paths, which madge resolves. */
function aliasPaths() {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  return Object.fromEntries(
    Object.entries<string>(pkg.imports).map(([alias, target]) => [
      alias,
      [target.replace(/\.js$/, '')],
    ])
  )
}

test.group('Import cycles', () => {
  test('no import cycle outside the relations between models', async ({ assert }) => {
    const graph = await madge(['app', 'commands', 'start'], {
      baseDir: process.cwd(),
      fileExtensions: ['ts'],
      tsConfig: {
        compilerOptions: { baseUrl: '.', paths: aliasPaths(), moduleResolution: 'nodenext' },
      },
    })
    // An alias left unresolved would hide the cycles through it.
    assert.deepEqual(
      graph.warnings().skipped.filter((name) => name.startsWith('#')),
      []
    )
    const outside = graph
      .circular()
      .filter((cycle) => !cycle.every((file) => file.startsWith('app/models/')))
    assert.deepEqual(outside, [])
  }).timeout(30_000)
})
