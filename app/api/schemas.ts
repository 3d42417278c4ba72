/*
| The JSON Schemas (2020-12, as OpenAPI 3.1 has them) of what /api/v1
| answers, one section per resource, matching what the controllers in
| app/controllers/api/ return. Objects are closed (`additionalProperties:
| false`) and list every key as required (nullable ones included): a field
| added to a response, or dropped from it, fails tests/functional/openapi.spec.ts
| until it is described here.
*/

export type Schema = Record<string, unknown>

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] })
const string = (description?: string): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
})
const instant = (description: string): Schema => ({
  type: 'string',
  format: 'date-time',
  description,
})
const link = (description: string): Schema => ({
  type: 'string',
  format: 'uri-reference',
  description,
})

/** An object whose every property is present (those that may be null are `nullable`). */
export function closed(description: string, properties: Record<string, Schema>): Schema {
  return {
    type: 'object',
    description,
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  }
}

/** An uploaded cover or logo, in two of its sizes. */
const images = {
  Image: closed('An image uploaded in the CMS (JPEG).', {
    url: link('1400 px square, as podcasts want it.'),
    thumbnail: link('480 px square, for pages.'),
  }),
}

/** Now playing (`GET /now`, and the push on `now_playing/<station>`). */
const nowPlaying = {
  Airing: closed('A diffusion: an episode of a program in its slot.', {
    title: string("The episode's title."),
    program: string("The program's title."),
    url: link("The episode's page."),
    start: instant('When it begins, with the UTC offset.'),
    end: instant('When it ends.'),
  }),
  NowPlayingTrack: closed('The last sound or track the streamer logged on air.', {
    title: string(),
    artist: nullable(string()),
    since: instant('When it was logged.'),
    cover: nullable(link("The sound's cover image.")),
  }),
  NowPlaying: closed('What is on air now, and next.', {
    station: string("The station's slug."),
    logo: nullable(ref('Image')),
    diffusion: nullable(ref('Airing')),
    live: {
      type: 'boolean',
      description: 'A host is live from the harbor in the diffusion on air (then `track` is null).',
    },
    track: nullable(ref('NowPlayingTrack')),
    next: { type: 'array', maxItems: 3, items: ref('Airing'), description: 'The next diffusions.' },
  }),
}

/** The on-air log (`GET /logs`), Aircox's /api/logs. */
const logs = {
  PlayedTrack: closed('A track or sound that was played.', {
    type: { const: 'track' },
    start: instant('When it began.'),
    end: { type: 'null', description: 'Unknown for a track: the next item ends it.' },
    title: string(),
    artist: nullable(string()),
    info: nullable(string()),
    url: nullable(link('A page about it.')),
    cover: nullable(link('Its cover image.')),
  }),
  PlayedDiffusion: closed('A diffusion that aired, with the tracks logged while it ran.', {
    type: { const: 'diffusion' },
    start: instant('When it began.'),
    end: instant('When it ended.'),
    title: string("The episode's title."),
    artist: { type: 'null' },
    info: nullable(string("The program's title.")),
    url: nullable(link("The episode's page.")),
    cover: nullable(link('A cover image.')),
    tracks: { type: 'array', items: ref('PlayedTrack'), description: 'Newest first.' },
  }),
  OnAirLog: closed('What was played, newest first.', {
    station: string("The station's slug."),
    date: nullable({ type: 'string', format: 'date', description: 'The day asked for.' }),
    items: {
      type: 'array',
      items: { oneOf: [ref('PlayedTrack'), ref('PlayedDiffusion')] },
    },
  }),
}

/** The week's timetable (`GET /timetable`). */
const timetable = {
  TimetableDiffusion: closed('A diffusion of the timetable.', {
    start: instant('When it begins, in the station’s zone.'),
    end: instant('When it ends.'),
    title: string("The episode's title."),
    program: string("The program's slug."),
    url: link("The episode's page."),
    rerun: { type: 'boolean', description: 'Whether it airs again an earlier diffusion.' },
  }),
  Timetable: closed('The seven days of a week, Monday first, in the station’s zone.', {
    station: string("The station's slug."),
    timezone: string('The IANA zone of the station (Europe/Paris).'),
    days: {
      type: 'array',
      items: closed('One day.', {
        day: { type: 'string', format: 'date' },
        diffusions: { type: 'array', items: ref('TimetableDiffusion') },
      }),
    },
  }),
}

/** Pages of a list (`?page=`). */
const pagination = {
  PaginationMeta: closed(
    'Where this page is in the list. The links keep the route’s path and `?station=`.',
    {
      total: { type: 'integer', minimum: 0 },
      perPage: { type: 'integer', minimum: 1 },
      currentPage: { type: 'integer', minimum: 1 },
      lastPage: { type: 'integer', minimum: 1 },
      firstPage: { type: 'integer', minimum: 1 },
      firstPageUrl: link('The first page.'),
      lastPageUrl: link('The last page.'),
      nextPageUrl: nullable(link('The next page, if any.')),
      previousPageUrl: nullable(link('The previous page, if any.')),
    }
  ),
}

/** Programs and their episodes (`GET /programs`, `GET /programs/{program}/episodes`). */
const programs = {
  Program: closed('An active program of the station.', {
    slug: string(),
    title: string(),
    description: nullable(string()),
    url: link("The program's page."),
    image: nullable(ref('Image')),
  }),
  ProgramPage: closed('A page of programs, by title.', {
    meta: ref('PaginationMeta'),
    data: { type: 'array', items: ref('Program'), maxItems: 50 },
  }),
  Episode: closed('An episode of a program.', {
    slug: string(),
    title: string(),
    url: link("The episode's page."),
    image: { ...nullable(ref('Image')), description: "The episode's cover, else its program's." },
    diffusions: {
      type: 'array',
      description: 'Its diffusions, first one first.',
      items: closed('When it airs or aired.', {
        start: instant('When it begins.'),
        end: instant('When it ends.'),
        type: { enum: ['on_air', 'unconfirmed', 'cancel'] },
      }),
    },
  }),
  EpisodePage: closed('A page of episodes, newest first.', {
    meta: ref('PaginationMeta'),
    data: { type: 'array', items: ref('Episode'), maxItems: 50 },
  }),
}

/** What the write API takes and answers (personal tokens). */
const writes = {
  NewEpisode: closed('An episode to create.', {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    slug: nullable({
      type: 'string',
      maxLength: 100,
      pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
      description: 'From the title when absent; made unique in the program.',
    }),
    content: nullable({ type: 'string', maxLength: 50000 }),
  }),
  CreatedEpisode: closed('The episode created.', {
    id: { type: 'integer' },
    programId: { type: 'integer' },
    title: string(),
    slug: string(),
  }),
  DiffusionChange: closed('Confirm a diffusion (`on_air`) or cancel it.', {
    type: { enum: ['on_air', 'cancel'] },
  }),
  DiffusionState: closed('The diffusion after the change.', {
    id: { type: 'integer' },
    type: { enum: ['on_air', 'unconfirmed', 'cancel'] },
    start: instant('When it begins.'),
    end: instant('When it ends.'),
    edited: { type: 'boolean', description: 'Changed by hand: schedule edits leave it alone.' },
  }),
  Tracklist: closed('A tracklist; it replaces the previous one.', {
    tracks: {
      type: 'array',
      maxItems: 500,
      items: closed('A track, in airing order.', {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        artist: nullable({ type: 'string', maxLength: 200 }),
        album: nullable({ type: 'string', maxLength: 200 }),
        timestamp: nullable({
          type: 'string',
          pattern: '^(\\d{1,6}|\\d{1,5}:[0-5]\\d|\\d{1,3}:[0-5]\\d:[0-5]\\d)$',
          description: 'Where it starts in the sound: seconds, m:ss or h:mm:ss, at most 24:00:00.',
        }),
        tags: nullable({ type: 'string', maxLength: 200 }),
        info: nullable({ type: 'string', maxLength: 500 }),
      }),
    },
  }),
  SavedTracklist: {
    description: 'Whose tracklist was saved, and how many tracks it has.',
    oneOf: [
      closed("An episode's.", { episodeId: { type: 'integer' }, tracks: { type: 'integer' } }),
      closed("A sound's.", { soundId: { type: 'integer' }, tracks: { type: 'integer' } }),
    ],
  },
}

/** Errors: always JSON, with a stable code. */
const errors = {
  Error: closed('An error: a stable code and one sentence for people.', {
    error: {
      type: 'string',
      description:
        'E_BAD_REQUEST (a body that is not a JSON object or array), E_METHOD_NOT_ALLOWED (see the `Allow` header), E_NOT_FOUND, E_ROUTE_NOT_FOUND, E_ROW_NOT_FOUND, E_UNAUTHORIZED_ACCESS (no token, or a revoked one), E_FORBIDDEN (outside your role), E_INVALID_RECORD (a change that breaks a rule, such as an overlap), E_INTERNAL.',
    },
    message: string(),
  }),
  ValidationError: closed('Fields that were refused.', {
    error: { const: 'E_VALIDATION_ERROR' },
    message: string(),
    errors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          field: string('The field, dotted for nested ones (`tracks.0.title`).'),
          rule: string('The rule it broke (`required`, `maxLength`...).'),
          message: string(),
          index: { type: 'integer' },
          meta: { type: 'object' },
        },
        required: ['field', 'rule', 'message'],
        additionalProperties: false,
      },
    },
  }),
}

export const schemas: Record<string, Schema> = {
  ...images,
  ...nowPlaying,
  ...logs,
  ...timetable,
  ...pagination,
  ...programs,
  ...writes,
  ...errors,
}
