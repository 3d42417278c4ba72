/*
| An event sink's settings, its filter rules parsed by the same code that
| applies them (app/events/event_filter.ts), and where to send again from.
*/
import vine from '@vinejs/vine'
import { EVENT_LEVELS } from '#events/event_types'
import { parseRules } from '#events/event_filter'
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

export const eventSinkValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(100),
    url: vine
      .string()
      .trim()
      .maxLength(1000)
      .regex(/^(log:\/\/.+|https?:\/\/.+|amqps?:\/\/.+)$/i),
    key: vine.string().maxLength(255).nullable().optional(),
    minLevel: vine.enum(EVENT_LEVELS),
    only: vine.string().maxLength(5000).use(filterRulesRule()).nullable().optional(),
    except: vine.string().maxLength(5000).use(filterRulesRule()).nullable().optional(),
    timeoutMs: vine.number().withoutDecimals().range([100, 120_000]),
    maxAttempts: vine.number().withoutDecimals().range([1, 10_000]),
    batchSize: vine.number().withoutDecimals().range([1, 1000]),
    active: checkbox(),
  })
)

export const sinkCursorValidator = vine.compile(
  vine.object({ fromEventId: vine.number().withoutDecimals().min(0) })
)
