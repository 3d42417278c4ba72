/*
| The OpenAPI 3.1 description of /api/v1, kept by hand beside the routes
| (start/routes/api.ts) and controllers (app/controllers/api/); the schemas
| are in app/api/schemas.ts. Served at /api/v1/openapi.json and shown at
| /api/v1/docs. tests/functional/openapi.spec.ts fails when a route is not
| described here, when a real answer does not match its schema, or when a
| standard validator refuses the document.
*/
import { schemas, type Schema } from '#api/schemas'

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Schema) => ({ content: { 'application/json': { schema } } })
const answer = (description: string, schema: Schema) => ({ description, ...json(schema) })
const error = (description: string) => answer(description, ref('Error'))
const use = (name: string) => ({ $ref: `#/components/parameters/${name}` })
const failed = (description: string) => ({ $ref: `#/components/responses/${description}` })

/** Every read takes the station (else the host's), and answers 404 for an unknown one. */
function read(operation: {
  operationId: string
  summary: string
  description: string
  tags: string[]
  parameters?: unknown[]
  ok: ReturnType<typeof answer>
}) {
  const { ok, parameters = [], ...rest } = operation
  return {
    ...rest,
    parameters: [use('station'), ...parameters],
    responses: {
      '200': ok,
      '404': failed('NotFound'),
      '422': failed('Invalid'),
    },
  }
}

/** Writes take a personal token and answer 401, 403, 404 and 422 the same way. */
function write(operation: {
  operationId: string
  summary: string
  description: string
  tags: string[]
  parameters: unknown[]
  body: string
  ok: Record<string, unknown>
}) {
  const { ok, body, ...rest } = operation
  return {
    ...rest,
    security: [{ personalToken: [] }],
    requestBody: { required: true, ...json(ref(body)) },
    responses: {
      ...ok,
      '400': failed('BadRequest'),
      '401': failed('Unauthorized'),
      '403': failed('Forbidden'),
      '404': failed('NotFound'),
      '422': failed('Invalid'),
    },
  }
}

const idParameter = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what}'s id.`,
  schema: { type: 'integer', minimum: 1 },
})

/** `PUT /episodes/{id}/tracks` and `PUT /sounds/{id}/tracks`: one controller action. */
const tracklist = (owner: 'episode' | 'sound', description: string) => ({
  put: write({
    operationId: owner === 'episode' ? 'replaceEpisodeTracks' : 'replaceSoundTracks',
    summary: `Replace a ${owner}'s tracklist`,
    description,
    tags: ['writes'],
    parameters: [idParameter(owner)],
    body: 'Tracklist',
    ok: { '200': answer('Saved.', ref('SavedTracklist')) },
  }),
})

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Antenne API',
      version: '1',
      summary: 'What a radio station airs: now playing, its log, its week, its programs.',
      description:
        'Reads are open, need no session and may come from any site (CORS). Writes take a personal token made in the CMS (Staff → Tokens), sent as `Authorization: Bearer ant_...`, with the roles of the CMS. Errors are JSON: `{"error": "E_CODE", "message": "..."}`, with `errors` for refused fields (422). A method a path does not take is a 405 `E_METHOD_NOT_ALLOWED` with an `Allow` header.\n\nNow playing is also pushed as server-sent events: open `/__transmit/events?uid=<your id>`, then `POST /__transmit/subscribe` `{"uid", "channel": "now_playing/<station>"}`; each frame carries an `id:`; on subscribing, a stream is sent the latest state unless its `Last-Event-ID` says it has it.',
      license: { name: 'GPL-3.0-or-later', identifier: 'GPL-3.0-or-later' },
    },
    servers: [{ url: '/api/v1', description: 'This site' }],
    tags: [
      { name: 'on air', description: 'Now playing, the on-air log, the timetable.' },
      { name: 'programs', description: 'Programs and their episodes.' },
      { name: 'writes', description: 'For a program’s own tools, with a personal token.' },
      { name: 'description', description: 'This description.' },
    ],
    paths: {
      '/now': {
        get: read({
          operationId: 'nowPlaying',
          summary: 'What is on air now, and next',
          description:
            'The diffusion on air (if any), the last sound or track logged, and the next three diffusions.',
          tags: ['on air'],
          ok: answer('Now playing.', ref('NowPlaying')),
        }),
      },
      '/logs': {
        get: read({
          operationId: 'onAirLog',
          summary: 'What was played',
          description:
            'The last 30 minutes, or a whole day of the station with `?date=`; tracks played during a diffusion are inside it.',
          tags: ['on air'],
          parameters: [use('date')],
          ok: answer('The on-air log.', ref('OnAirLog')),
        }),
      },
      '/timetable': {
        get: read({
          operationId: 'timetable',
          summary: 'The week of diffusions',
          description: 'The week (Monday to Sunday) of today, or of `?date=`.',
          tags: ['on air'],
          parameters: [use('date')],
          ok: answer('The timetable.', ref('Timetable')),
        }),
      },
      '/programs': {
        get: read({
          operationId: 'listPrograms',
          summary: 'The programs',
          description: 'Active programs, by title, 50 a page.',
          tags: ['programs'],
          parameters: [use('page')],
          ok: answer('A page of programs.', ref('ProgramPage')),
        }),
      },
      '/programs/{program}/episodes': {
        get: read({
          operationId: 'listEpisodes',
          summary: 'The episodes of a program',
          description: 'Newest first, 50 a page, each with its diffusions.',
          tags: ['programs'],
          parameters: [
            {
              name: 'program',
              in: 'path',
              required: true,
              description: "The program's slug.",
              schema: { type: 'string' },
            },
            use('page'),
          ],
          ok: answer('A page of episodes.', ref('EpisodePage')),
        }),
      },
      '/programs/{id}/episodes': {
        post: write({
          operationId: 'createEpisode',
          summary: 'Create an episode',
          description: 'For the hosts of the program (and managers of its station).',
          tags: ['writes'],
          parameters: [idParameter('program')],
          body: 'NewEpisode',
          ok: { '201': answer('Created.', ref('CreatedEpisode')) },
        }),
      },
      '/diffusions/{id}': {
        patch: write({
          operationId: 'changeDiffusion',
          summary: 'Confirm or cancel a diffusion',
          description:
            'For managers of its program. Confirming one that overlaps another is a 422 `E_INVALID_RECORD`.',
          tags: ['writes'],
          parameters: [idParameter('diffusion')],
          body: 'DiffusionChange',
          ok: { '200': answer('Changed.', ref('DiffusionState')) },
        }),
      },
      '/episodes/{id}/tracks': tracklist('episode', 'For the hosts of its program.'),
      '/sounds/{id}/tracks': tracklist(
        'sound',
        'For the hosts of its program; timestamps place tracks inside a mix.'
      ),
      '/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          summary: 'This description',
          description: 'OpenAPI 3.1, as JSON.',
          tags: ['description'],
          responses: {
            '200': answer('The OpenAPI document.', {
              type: 'object',
              properties: { openapi: { const: '3.1.0' } },
              required: ['openapi'],
            }),
          },
        },
      },
      '/docs': {
        get: {
          operationId: 'openApiDocs',
          summary: 'This description, to read',
          description: 'An HTML page of the operations and schemas.',
          tags: ['description'],
          responses: {
            '200': {
              description: 'The page.',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
          },
        },
      },
    },
    components: {
      schemas,
      parameters: {
        station: {
          name: 'station',
          in: 'query',
          description: "The station's slug; without it, the station of the host name.",
          schema: { type: 'string', maxLength: 64 },
        },
        date: {
          name: 'date',
          in: 'query',
          description: 'A day, in the station’s calendar.',
          schema: { type: 'string', format: 'date' },
        },
        page: {
          name: 'page',
          in: 'query',
          description: 'The page, from 1.',
          schema: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
        },
      },
      responses: {
        BadRequest: error('The body is not a JSON object or array (`E_BAD_REQUEST`).'),
        Unauthorized: error('No token, or a revoked one (`E_UNAUTHORIZED_ACCESS`).'),
        Forbidden: error('Outside your role, stations or programs (`E_FORBIDDEN`).'),
        NotFound: error('No such station, program or record.'),
        Invalid: {
          description:
            'Refused fields (`E_VALIDATION_ERROR`), or a change that breaks a rule (`E_INVALID_RECORD`).',
          content: {
            'application/json': { schema: { oneOf: [ref('ValidationError'), ref('Error')] } },
          },
        },
      },
      securitySchemes: {
        personalToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal token made in the CMS (`ant_...`), revocable, for a year.',
        },
      },
    },
  }
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>
