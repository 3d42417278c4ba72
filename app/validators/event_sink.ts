/*
| An event sink's settings, its filter rules and options parsed by the same
| code that applies them (app/events/event_filter.ts, sink_options.ts), and
| where to send again from.
*/
import vine from '@vinejs/vine'
import { EVENT_LEVELS } from '#events/event_types'
import { parseRules } from '#events/event_filter'
import { parseOptions } from '#events/sink_options'
import { sinkUrlProblem } from '#events/sink_transports'
import { checkbox } from '#validators/rules'

const filterRulesRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  try {
    parseRules(value)
  } catch (error) {
    field.report(
      `The {{ field }} rules are malformed: ${(error as Error).message}`,
      'filterRules',
      field
    )
  }
})

const optionsRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  try {
    parseOptions(value)
  } catch (error) {
    field.report(`The {{ field }} are malformed: ${(error as Error).message}`, 'sinkOptions', field)
  }
})

/** A URL a transport can be made of (a mail sink has from= and to=, in the URL or the options). */
const sinkUrlRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  let options = {}
  try {
    options = parseOptions(typeof field.parent.options === 'string' ? field.parent.options : null)
  } catch {
    return // reported on the options field
  }
  const problem = sinkUrlProblem({ url: value, options })
  if (problem) field.report(`The {{ field }} cannot be used: ${problem}`, 'sinkUrl', field)
})

export const eventSinkValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(100),
    url: vine
      .string()
      .trim()
      .maxLength(1000)
      .regex(/^(log|https?|amqps?|smtps?):\/\/.+$/i)
      .use(sinkUrlRule()),
    key: vine.string().maxLength(255).nullable().optional(),
    minLevel: vine.enum(EVENT_LEVELS),
    only: vine.string().maxLength(5000).use(filterRulesRule()).nullable().optional(),
    except: vine.string().maxLength(5000).use(filterRulesRule()).nullable().optional(),
    // `key=value` lines, out as an object: the options passed on to the receiver.
    options: vine
      .string()
      .maxLength(40_000)
      .use(optionsRule())
      .transform((v) => parseOptions(v))
      .nullable()
      .optional(),
    timeoutMs: vine.number().withoutDecimals().range([100, 120_000]),
    maxAttempts: vine.number().withoutDecimals().range([1, 10_000]),
    batchSize: vine.number().withoutDecimals().range([1, 1000]),
    active: checkbox(),
  })
)

export const sinkCursorValidator = vine.compile(
  vine.object({ fromEventId: vine.number().withoutDecimals().min(0) })
)
