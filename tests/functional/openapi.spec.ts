/*
| The OpenAPI description of /api/v1 (app/api/openapi.ts) says the truth:
| a standard validator accepts it, every route under /api/v1 is in it (and
| nothing else), and the real answers of every operation, on seeded data,
| match the schemas it declares for their status (a JSON Schema 2020-12
| validator, with formats), the errors included.
*/
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import router from '@adonisjs/core/services/router'
import testUtils from '@adonisjs/core/services/test_utils'
import { validate, compileErrors } from '@readme/openapi-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { ApiResponse } from '@japa/api-client'
import User from '#models/user'
import { openApiDocument } from '#api/openapi'
import { ProgramFactory, StationFactory } from '#database/factories/programme_factories'
import { DiffusionFactory, EpisodeFactory } from '#database/factories/episode_factories'
import { SoundFactory, TrackFactory } from '#database/factories/sound_factories'
import { LogFactory } from '#database/factories/log_factory'
import { UserFactory } from '#database/factories/user_factory'

const ZONE = 'Europe/Brussels'
const document = openApiDocument()
const ID = 'https://antenne.invalid/openapi.json'
const METHODS = ['get', 'post', 'put', 'patch', 'delete']

const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats.default(ajv)
// Only the schemas are read from the document; its other keys are not JSON Schema.
ajv.addKeyword('components')
ajv.addSchema({ $id: ID, components: { schemas: document.components.schemas } })

type Operation = { responses: Record<string, any> }

/** `/api/v1/programs/:program/episodes` → `/programs/{program}/episodes`. */
const described = (pattern: string) => pattern.replace(/^\/api\/v1/, '').replace(/:(\w+)/g, '{$1}')

function operationOf(method: string, path: string): Operation {
  const operation = (document.paths as Record<string, Record<string, Operation>>)[path]?.[method]
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not described`)
  return operation
}

/** The body of an answer checked against what the document declares for its status. */
function conforms(method: string, path: string, response: ApiResponse) {
  const status = String(response.status())
  const declared = operationOf(method, path).responses[status]
  if (!declared)
    return [`${method.toUpperCase()} ${path}: ${status} is not declared (${response.text()})`]
  const named = declared.$ref
    ? (document.components.responses as Record<string, any>)[declared.$ref.split('/').pop()]
    : declared
  const [type, media] = Object.entries<any>(named.content)[0]
  if (!String(response.header('content-type')).startsWith(type))
    return [`${method.toUpperCase()} ${path} ${status}: ${response.header('content-type')}`]
  if (type !== 'application/json') return []
  const schema = JSON.parse(
    JSON.stringify(media.schema).replaceAll('"#/components/', `"${ID}#/components/`)
  )
  const check = ajv.compile(schema)
  if (check(response.body())) return []
  return [
    `${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(check.errors)}\n${response.text().slice(0, 2000)}`,
  ]
}

let serial = 0

/** A station with what each read shows: a diffusion on air with its tracks, a rerun, a cancellation, covers. */
async function onAir() {
  const station = await StationFactory.merge({ slug: `api-${++serial}`, timezone: ZONE }).create()
  const rotation = await ProgramFactory.merge({
    stationId: station.id,
    title: 'Rotation',
    description: null,
  }).create()
  const show = await ProgramFactory.merge({
    stationId: station.id,
    title: 'Morning Talk',
    description: 'Talk, every morning.',
  }).create()
  const now = DateTime.utc().startOf('minute')
  const episode = await EpisodeFactory.merge({ programId: show.id, title: 'Live Now' }).create()
  const live = await DiffusionFactory.merge({
    episodeId: episode.id,
    start: now.minus({ minutes: 10 }),
    end: now.plus({ minutes: 50 }),
  }).create()
  const later = await EpisodeFactory.merge({ programId: show.id, title: 'Later' }).create()
  await DiffusionFactory.merge({
    episodeId: later.id,
    start: now.plus({ hours: 2 }),
    end: now.plus({ hours: 3 }),
  }).create()
  await DiffusionFactory.merge({
    episodeId: episode.id,
    initialId: live.id,
    start: now.plus({ hours: 4 }),
    end: now.plus({ hours: 5 }),
  }).create()
  await DiffusionFactory.merge({
    episodeId: later.id,
    start: now.plus({ hours: 6 }),
    end: now.plus({ hours: 7 }),
    type: 'cancel',
  }).create()
  for (const [minutes, title, artist, cover] of [
    [-20, 'Before The Show', null, null],
    [-5, 'During The Show', 'Someone', 'cover.jpg'],
    [-1, 'Current Song', 'Current Artist', null],
  ] as const) {
    const sound = await SoundFactory.merge({ programId: rotation.id, name: title, cover }).create()
    const track = await TrackFactory.merge({
      soundId: sound.id,
      timestamp: 0,
      title,
      artist,
    }).create()
    await LogFactory.merge({
      stationId: station.id,
      date: now.plus({ minutes }),
      source: 'rotation',
      soundId: sound.id,
      trackId: track.id,
    }).create()
  }
  const sound = await SoundFactory.merge({ programId: show.id, name: 'Mix' }).create()
  return { station, show, episode, live, sound, today: now.setZone(ZONE).toISODate()! }
}

test.group('OpenAPI description', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a standard validator accepts the document, served as JSON at its named route', async ({
    client,
    assert,
  }) => {
    const result = await validate(structuredClone(document) as never)
    assert.isTrue(result.valid, result.valid ? '' : compileErrors(result))
    const served = await client.get(router.makeUrl('api.openapi'))
    served.assertStatus(200)
    assert.deepEqual(served.body(), JSON.parse(JSON.stringify(document)))
    assert.equal(served.body().openapi, '3.1.0')
    assert.isUndefined(served.header('set-cookie'))
    const page = await client.get(router.makeUrl('api.docs')).header('Origin', 'https://x.example')
    page.assertStatus(200)
    assert.equal(page.header('access-control-allow-origin'), '*')
    assert.isUndefined(page.header('set-cookie'))
    const html = page.text()
    for (const [path, item] of Object.entries(document.paths))
      for (const method of METHODS.filter((m) => m in item))
        assert.include(html, `<code>${method.toUpperCase()} /api/v1${path}</code>`)
    for (const name of Object.keys(document.components.schemas)) {
      assert.include(html, `id="schema-${name}"`)
      assert.include(html, `<a href="#schema-${name}">`, `${name} is named somewhere`)
    }
    assert.notMatch(html, /@(if|each|!\w)/, 'every Edge tag was rendered')
  })

  test('every route under /api/v1 is described, and every described operation is a route', ({
    assert,
  }) => {
    const routes = Object.values(router.toJSON())
      .flat()
      .filter((route) => route.pattern.startsWith('/api/v1/'))
      .flatMap((route) =>
        route.methods
          .filter((method) => method !== 'HEAD')
          .map((method) => `${method.toLowerCase()} ${described(route.pattern)}`)
      )
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => method in item).map((method) => `${method} ${path}`)
    )
    assert.isAbove(routes.length, 8)
    assert.sameMembers(operations, routes)
  })

  test('the check sees an answer with a field the schema lacks, or without one it requires', ({
    assert,
  }) => {
    const check = ajv.compile({ $ref: `${ID}#/components/schemas/Program` })
    const program = { slug: 'a', title: 'A', description: null, url: '/programs/a', image: null }
    assert.isTrue(check(program))
    assert.isFalse(check({ ...program, cover: '/images/a.jpg' }))
    const { description, ...withoutDescription } = program
    assert.isNull(description)
    assert.isFalse(check(withoutDescription))
  })

  test('every read answers, on real data, what its schema says', async ({ client, assert }) => {
    const { station, show, today } = await onAir()
    const reads = Object.entries(document.paths).flatMap(([path, item]) =>
      'get' in item ? [path] : []
    )
    const problems: string[] = []
    for (const path of reads) {
      const url = `/api/v1${path.replace('{program}', show.slug)}`
      const variants = [
        `${url}?station=${station.slug}`,
        `${url}?station=${station.slug}&date=${today}`,
      ]
      for (const variant of variants) {
        const response = await client.get(variant)
        assert.equal(response.status(), 200, `${variant}: ${response.text().slice(0, 500)}`)
        problems.push(...conforms('get', path, response))
      }
    }
    assert.deepEqual(problems, [])
    // The data did reach every kind of field: nothing above validated an empty list.
    const logs = (await client.get(`/api/v1/logs?station=${station.slug}`)).body()
    assert.sameMembers(
      logs.items.map((i: { type: string }) => i.type),
      ['diffusion', 'track']
    )
    const episodes = (
      await client.get(`/api/v1/programs/${show.slug}/episodes?station=${station.slug}`)
    ).body()
    assert.sameMembers(
      episodes.data.flatMap((e: any) => e.diffusions.map((d: any) => d.type)),
      ['on_air', 'on_air', 'on_air', 'cancel']
    )
  })

  test('the errors of the reads match their schemas: {why}')
    .with([
      { why: 'unknown station', url: '/api/v1/now?station=nowhere', path: '/now', status: 404 },
      { why: 'page 0', url: '/api/v1/programs?page=0', path: '/programs', status: 422 },
      { why: 'bad date', url: '/api/v1/logs?date=2026-13-01', path: '/logs', status: 422 },
      {
        why: 'unknown program',
        url: '/api/v1/programs/nope/episodes',
        path: '/programs/{program}/episodes',
        status: 404,
      },
    ])
    .run(async ({ client, assert }, row) => {
      await StationFactory.merge({ isDefault: true, slug: `default-${++serial}` }).create()
      const response = await client.get(row.url)
      response.assertStatus(row.status)
      assert.deepEqual(conforms('get', row.path, response), [])
    })

  test('the write API answers, with and without a token, what the document declares', async ({
    client,
    assert,
  }) => {
    const { show, episode, live, sound } = await onAir()
    const host = await UserFactory.create()
    await host.related('programs').attach([show.id])
    const manager = await UserFactory.apply('manager').create()
    await manager.related('stations').attach([show.stationId])
    const other = await UserFactory.create()
    const token = async (user: User) => (await User.accessTokens.create(user)).value!.release()
    const [hosting, managing, outsider] = [
      await token(host),
      await token(manager),
      await token(other),
    ]

    const [create, change, episodeTracks, soundTracks] = [
      '/programs/{id}/episodes',
      '/diffusions/{id}',
      '/episodes/{id}/tracks',
      '/sounds/{id}/tracks',
    ]
    const to = (path: string, id: number) => `/api/v1${path.replace('{id}', String(id))}`
    // Path, URL, token, body (a string is sent as it is), status expected.
    const calls: Array<[string, string, string | null, unknown, number]> = [
      [create, to(create, show.id), hosting, { title: 'From the studio' }, 201],
      [create, to(create, show.id), null, { title: 'Anonymous' }, 401],
      [create, to(create, show.id), outsider, { title: 'Not mine' }, 403],
      [create, to(create, show.id), hosting, { title: '' }, 422],
      [create, to(create, show.id), hosting, '{"title":', 400],
      [create, to(create, 999999999), hosting, { title: 'Nowhere' }, 404],
      [change, to(change, live.id), managing, { type: 'cancel' }, 200],
      [change, to(change, live.id), managing, { type: 'later' }, 422],
      [episodeTracks, to(episodeTracks, episode.id), hosting, { tracks: [{ title: 'One' }] }, 200],
      [
        soundTracks,
        to(soundTracks, sound.id),
        hosting,
        { tracks: [{ title: 'Two', timestamp: '1:30' }] },
        200,
      ],
      [
        soundTracks,
        to(soundTracks, sound.id),
        hosting,
        { tracks: [{ title: 'Late', timestamp: '99:00:00' }] },
        422,
      ],
    ]
    const problems: string[] = []
    for (const [path, url, bearer, body, status] of calls) {
      // Each path takes one method that writes; the document says which.
      const method = METHODS.find((m) => m !== 'get' && m in (document.paths as any)[path])!
      const request = client.request(url, method.toUpperCase())
      if (bearer) request.bearerToken(bearer)
      const response = await (typeof body === 'string'
        ? request.unsafeJson(body)
        : request.json(body as object))
      if (response.status() !== status)
        problems.push(`${method} ${path}: ${response.status()}, not ${status}: ${response.text()}`)
      problems.push(...conforms(method, path, response))
    }
    assert.deepEqual(problems, [])
  })
})
