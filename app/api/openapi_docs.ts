/*
| The readable page of the OpenAPI document (/api/v1/docs): its operations,
| their parameters, bodies and answers, and the schemas, each type said in
| a few words (`string | null`, `array of Airing`) with links to the
| schemas it names. Pure: the Edge page only loops over what this returns.
*/
import type { Schema } from '#api/schemas'

export interface DocType {
  /** Words and schema names, in order: `[{text: 'array of '}, {schema: 'Airing'}]`. */
  parts: Array<{ text: string } | { schema: string }>
}

/** Text whose `backquoted` words are code. */
export type Prose = Array<{ text: string; code: boolean }>

export interface DocField {
  name: string
  type: DocType
  required: boolean
  description: Prose | null
}

export interface DocOperation {
  id: string
  method: string
  path: string
  summary: string
  description: Prose | null
  tag: string
  token: boolean
  parameters: Array<DocField & { in: string }>
  body: DocType | null
  responses: Array<{ status: string; description: Prose; type: DocType | null }>
}

export interface DocSchema {
  name: string
  description: Prose | null
  type: DocType
  fields: DocField[]
}

type Document = {
  paths: Record<string, Record<string, any>>
  components: {
    schemas: Record<string, Schema>
    parameters: Record<string, any>
    responses: Record<string, any>
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

/** `a `b` c` → a, b (code), c. */
export function prose(text: string): Prose
export function prose(text: string | undefined | null): Prose | null
export function prose(text: string | undefined | null): Prose | null {
  if (typeof text !== 'string') return null
  return text
    .split('`')
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((part) => part.text !== '')
}

const schemaName = (ref: string) => ref.replace('#/components/schemas/', '')

/** A schema said in words; object properties are listed apart (see `fieldsOf`). */
export function typeOf(schema: Schema | undefined): DocType {
  if (!schema) return { parts: [{ text: 'any' }] }
  if (typeof schema.$ref === 'string') return { parts: [{ schema: schemaName(schema.$ref) }] }
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined
  if (alternatives) {
    const parts: DocType['parts'] = []
    alternatives.forEach((alternative, index) => {
      if (index) parts.push({ text: ' | ' })
      parts.push(...typeOf(alternative).parts)
    })
    return { parts: schema.type === 'object' ? [{ text: 'object, ' }, ...parts] : parts }
  }
  if ('const' in schema) return { parts: [{ text: JSON.stringify(schema.const) }] }
  if (Array.isArray(schema.enum))
    return { parts: [{ text: schema.enum.map((v) => JSON.stringify(v)).join(' | ') }] }
  if (schema.type === 'array')
    return { parts: [{ text: 'array of ' }, ...typeOf(schema.items as Schema).parts] }
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : ''
  return { parts: [{ text: `${String(schema.type ?? 'any')}${format}` }] }
}

/**
 * The properties of an object schema; those of inline objects follow their
 * parent's, dotted (`days[].day`), so that no field of an answer is hidden.
 */
export function fieldsOf(schema: Schema | undefined, prefix = ''): DocField[] {
  const properties = schema?.properties as Record<string, Schema> | undefined
  if (!properties) return []
  const required = new Set((schema!.required as string[] | undefined) ?? [])
  return Object.entries(properties).flatMap(([name, property]) => {
    const field = {
      name: prefix + name,
      type: typeOf(property),
      required: required.has(name),
      description: prose(property.description as string | undefined),
    }
    const items = property.items as Schema | undefined
    const nested = property.type === 'array' && items ? [items, '[].'] : [property, '.']
    return [field, ...fieldsOf(nested[0] as Schema, `${prefix}${name}${nested[1]}`)]
  })
}

function resolve<T>(value: any, from: Record<string, T>): T {
  return typeof value?.$ref === 'string' ? from[value.$ref.split('/').pop()] : value
}

export function docOperations(document: Document): DocOperation[] {
  const { components } = document
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method]
      return {
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        summary: operation.summary,
        description: prose(operation.description),
        tag: operation.tags?.[0] ?? '',
        token: Boolean(operation.security?.length),
        parameters: (operation.parameters ?? []).map((reference: unknown) => {
          const parameter = resolve<any>(reference, components.parameters)
          return {
            name: parameter.name,
            in: parameter.in,
            type: typeOf(parameter.schema),
            required: Boolean(parameter.required),
            description: prose(parameter.description),
          }
        }),
        body: operation.requestBody
          ? typeOf(operation.requestBody.content['application/json'].schema)
          : null,
        responses: Object.entries(operation.responses).map(([status, reference]) => {
          const response = resolve<any>(reference, components.responses)
          const [content] = Object.values<any>(response.content ?? {})
          return {
            status,
            description: prose(response.description as string),
            type: content ? typeOf(content.schema) : null,
          }
        }),
      }
    })
  )
}

export function docSchemas(document: Document): DocSchema[] {
  return Object.entries(document.components.schemas).map(([name, schema]) => ({
    name,
    description: prose(schema.description as string | undefined),
    type: typeOf({ ...schema, description: undefined }),
    fields: fieldsOf(schema),
  }))
}

export function docIntroduction(document: {
  info: { title: string; summary: string; description: string }
}) {
  const { title, summary, description } = document.info
  return { title, summary, paragraphs: description.split('\n\n').map((p) => prose(p)) }
}
