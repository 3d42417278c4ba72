import { configApp } from '@adonisjs/eslint-config'

export default configApp({
  // Generated and fetched files, and the folders the tests and the demo write.
  ignores: ['tmp/**', 'storage/**', 'public/**', 'node_modules/**'],
})
