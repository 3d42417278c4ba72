/*
| The readable page of the API's description says each type in a few
| words and lists the fields of nested objects (app/api/openapi_docs.ts).
*/
import { test } from '@japa/runner'
import { docOperations, fieldsOf, prose, typeOf } from '#api/openapi_docs'
import { openApiDocument } from '#api/openapi'

const words = (schema: Record<string, unknown>) =>
  typeOf(schema)
    .parts.map((part) => ('schema' in part ? `<${part.schema}>` : part.text))
    .join('')

test.group('API docs page', () => {
  test('types are said in words, schemas by name', ({ assert }) => {
    assert.equal(words({ type: 'string', format: 'date-time' }), 'string (date-time)')
    assert.equal(words({ $ref: '#/components/schemas/Airing' }), '<Airing>')
    assert.equal(
      words({ type: 'array', items: { $ref: '#/components/schemas/Airing' } }),
      'array of <Airing>'
    )
    assert.equal(words({ oneOf: [{ type: 'string' }, { type: 'null' }] }), 'string | null')
    assert.equal(words({ enum: ['on_air', 'cancel'] }), '"on_air" | "cancel"')
    assert.equal(words({ const: 'track' }), '"track"')
    assert.equal(words({}), 'any')
  })

  test('fields of inline objects follow their parent, dotted', ({ assert }) => {
    const fields = fieldsOf({
      type: 'object',
      properties: {
        days: {
          type: 'array',
          items: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
        },
        note: { type: 'string', description: 'Said `once`.' },
      },
      required: ['days'],
    })
    assert.deepEqual(
      fields.map((f) => [f.name, f.required]),
      [
        ['days', true],
        ['days[].day', true],
        ['note', false],
      ]
    )
    assert.deepEqual(fields[2].description, [
      { text: 'Said ', code: false },
      { text: 'once', code: true },
      { text: '.', code: false },
    ])
  })

  test('operations carry their parameters from the components, and whether they take a token', ({
    assert,
  }) => {
    const operations = docOperations(openApiDocument())
    const episodes = operations.find((o) => o.id === 'listEpisodes')!
    assert.deepEqual(
      episodes.parameters.map((p) => [p.name, p.in, p.required]),
      [
        ['station', 'query', false],
        ['program', 'path', true],
        ['page', 'query', false],
      ]
    )
    assert.isFalse(episodes.token)
    const create = operations.find((o) => o.id === 'createEpisode')!
    assert.isTrue(create.token)
    assert.deepEqual(
      create.responses.map((r) => r.status),
      ['201', '400', '401', '403', '404', '422']
    )
    assert.isNull(prose(undefined))
  })
})
