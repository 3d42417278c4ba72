import { configApp } from '@adonisjs/eslint-config'

export default configApp(
  {
    // Generated and fetched files, and the folders the tests and the demo write.
    ignores: ['tmp/**', 'storage/**', 'public/**', 'node_modules/**'],
  },
  {
    // A test or a bench reads `(await client.get(url)).text()` or `(await status()).started` as one step of
    // its story; a variable per read would only lengthen the specification.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@unicorn/no-await-expression-member': 'off' },
  }
)
