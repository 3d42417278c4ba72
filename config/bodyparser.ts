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
    // Only the CMS's upload forms take files: other routes never spool a body to disk.
    autoProcess: ['/staff/programs/:id/sounds', '/staff/:kind/:id/tracks.csv'],
    convertEmptyStringsToNull: true,
    processManually: [],
    // A two-hour WAV is about 1.4 GB. Put a body limit in the reverse proxy too (for these two paths only).
    limit: '2gb',
    types: ['multipart/form-data'],
  },
})

export default bodyParserConfig
