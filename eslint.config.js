import { configApp } from '@adonisjs/eslint-config'

export default configApp(
  {
    // Generated and fetched files, and the folders the tests and the demo write.
    ignores: ['tmp/**', 'storage/**', 'public/**', 'node_modules/**'],
  },
  {
    // `(await client.get(url)).text()` or `(await readFile(path)).trim()` reads as one step; the
    // rule's rewrite adds a variable per read. Off for the whole tree (26 uses in app/, most in
    // tests and benches).
    rules: { '@unicorn/no-await-expression-member': 'off' },
  }
)
