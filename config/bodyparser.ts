import { defineConfig } from '@adonisjs/core/bodyparser'

const bodyParserConfig = defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: { convertEmptyStringsToNull: true, types: ['application/x-www-form-urlencoded'] },
  json: {
    convertEmptyStringsToNull: true,
    types: [
      'application/json',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/csp-report',
    ],
  },
  multipart: {
    // No route's multipart body is read here: the two upload routes read their own after
    // the session, the role and the CSRF token are checked (app/cms/upload_staging.ts),
    // so a guest's body is never spooled to disk.
    autoProcess: false,
    convertEmptyStringsToNull: true,
    processManually: [],
    // The upload routes set their own limit (ANTENNE_UPLOAD_MAX_BYTES); put one in the reverse proxy too.
    limit: '2gb',
    types: ['multipart/form-data'],
  },
})

export default bodyParserConfig
