/*
| Sinks from a JSON file (ANTENNE_EVENT_SINKS_FILE), for installs configured
| by files: loaded when the deliverer starts, kept in step by name (a sink
| removed from the file is deactivated), beside those made in the CMS.
|
| [{ "name": "archive", "url": "log:///var/log/antenne/events.jsonl", "level": "info" },
|  { "name": "ops", "url": "https://hooks.example/antenne", "key": "secret",
|    "only": ["event=dead_air,output_down", "level=error", "group=system_overloaded"],
|    "except": ["station=test"], "options": { "sign": "sha1", "channel": "ops" },
|    "timeout": 5000, "maxAttempts": 50, "batchSize": 100 },
|  { "name": "mail", "url": "smtp://antenne:pw@mail.example:587?from=antenne@radio.example&to=ops@radio.example",
|    "level": "critical" }]
|
| `level` is one of Flussonic's seven (debug, info, notice, warning, error,
| critical, alert); `options` are passed on to the receiver (sink_options.ts).
*/
import { readFile } from 'node:fs/promises'
import vine, { errors as vineErrors } from '@vinejs/vine'
import EventSink from '#models/event_sink'
import { EVENT_LEVELS } from '#events/event_types'
import { parseRules } from '#events/event_filter'
import { InvalidArgumentException } from '#exceptions/domain'
import { outboxEnd } from '#events/event_deliverer'
import { checkOptions } from '#events/sink_options'
import { sinkUrlProblem } from '#events/sink_transports'

const sinkSchema = vine.object({
  name: vine.string().trim().minLength(1).maxLength(100),
  url: vine
    .string()
    .trim()
    .regex(/^(log|https?|amqps?|smtps?):\/\/.+/i)
    .maxLength(1000),
  key: vine.string().maxLength(255).nullable().optional(),
  level: vine.enum(EVENT_LEVELS).optional(),
  only: vine.array(vine.string()).optional(),
  except: vine.array(vine.string()).optional(),
  // Checked by checkOptions, which names the faulty option.
  options: vine.object({}).allowUnknownProperties().optional(),
  timeout: vine.number().withoutDecimals().range([100, 120_000]).optional(),
  maxAttempts: vine.number().withoutDecimals().range([1, 10_000]).optional(),
  batchSize: vine.number().withoutDecimals().range([1, 1000]).optional(),
  active: vine.boolean().optional(),
})
const fileValidator = vine.compile(vine.array(sinkSchema))

export async function loadSinksFile(path: string) {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new InvalidArgumentException(`sinks file ${path}: ${(error as Error).message}`)
  }
  let sinks
  try {
    sinks = await fileValidator.validate(parsed)
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    const first = (error.messages as Array<{ field: string; message: string }>)[0]
    throw new InvalidArgumentException(`sinks file ${path}: ${first.field}: ${first.message}`)
  }
  const options: Array<Record<string, string>> = []
  for (const [index, sink] of sinks.entries()) {
    try {
      parseRules((sink.only ?? []).join('\n'))
      parseRules((sink.except ?? []).join('\n'))
      options.push(checkOptions(Object.entries(sink.options ?? {})))
      const problem = sinkUrlProblem({ url: sink.url, options: options[index] })
      if (problem) throw new Error(problem)
    } catch (error) {
      throw new InvalidArgumentException(
        `sinks file ${path}: sink ${index} ("${sink.name}"): ${(error as Error).message}`
      )
    }
  }
  const end = await outboxEnd()
  const names = new Set<string>()
  for (const [index, sink] of sinks.entries()) {
    names.add(sink.name)
    const fields = {
      url: sink.url,
      key: sink.key ?? null,
      options: options[index],
      minLevel: sink.level ?? 'info',
      only: (sink.only ?? []).join('\n') || null,
      except: (sink.except ?? []).join('\n') || null,
      timeoutMs: sink.timeout ?? 5000,
      maxAttempts: sink.maxAttempts ?? 50,
      batchSize: sink.batchSize ?? 100,
      active: sink.active ?? true,
      fromFile: true,
    }
    const existing = await EventSink.findBy('name', sink.name)
    if (existing) await existing.merge(fields).save()
    else await EventSink.create({ name: sink.name, cursor: end, attempts: 0, ...fields })
  }
  const gone = await EventSink.query()
    .where('from_file', true)
    .whereNotIn('name', [...names])
  for (const sink of gone) await sink.merge({ active: false }).save()
  return { loaded: sinks.length, deactivated: gone.length }
}
