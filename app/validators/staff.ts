/*
| Validators of the staff CMS and the write API. Messages are the field's
| name and what is expected; the forms show them beside the field.
*/
import vine from '@vinejs/vine'
import { FREQUENCIES } from '#scheduling/recurrence'
import { USER_ROLES } from '#models/user'
import { OUTPUT_FORMATS, OUTPUT_TYPES } from '#models/output'
import {
  calendarDate,
  checkbox,
  clockTime,
  password,
  slug,
  trackTimestamp,
  zone,
} from '#validators/rules'
import { outputMount } from '#validators/output_rules'
import { EVENT_LEVELS } from '#events/event_types'
import { parseRules } from '#events/event_filter'

export const loginValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254),
    password: vine.string().maxLength(200),
  })
)

export const stationValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(200),
    slug: slug(),
    timezone: zone(),
    hosts: vine.string().trim().maxLength(500).nullable().optional(),
    path: vine.string().trim().maxLength(500).nullable().optional(),
    harborPort: vine.number().withoutDecimals().range([1024, 65535]).nullable().optional(),
    harborPassword: vine.string().minLength(16).maxLength(200).nullable().optional(),
    radiovisTopic: vine
      .string()
      .trim()
      .maxLength(255)
      .regex(/^\/topic\/[\w./-]+$/)
      .nullable()
      .optional(),
    radiovisText: vine.string().trim().maxLength(128).nullable().optional(),
    radiovisImage: vine
      .string()
      .trim()
      .maxLength(1000)
      .url({ require_protocol: true })
      .nullable()
      .optional(),
    isDefault: checkbox(),
    active: checkbox(),
  })
)

export const outputValidator = vine.compile(
  vine.object({
    type: vine.enum(OUTPUT_TYPES),
    host: vine.string().trim().maxLength(255).nullable().optional(),
    port: vine.number().withoutDecimals().range([1, 65535]).nullable().optional(),
    mount: outputMount().nullable().optional(),
    password: vine.string().maxLength(200).nullable().optional(),
    adminUser: vine.string().trim().maxLength(100).nullable().optional(),
    adminPassword: vine.string().maxLength(255).nullable().optional(),
    format: vine.enum(OUTPUT_FORMATS),
    bitrate: vine.number().withoutDecimals().range([16, 512]),
    active: checkbox(),
  })
)

export const programValidator = vine.compile(
  vine.object({
    stationId: vine.number().withoutDecimals(),
    title: vine.string().trim().minLength(1).maxLength(200),
    slug: slug().nullable().optional(),
    description: vine.string().trim().maxLength(20000).nullable().optional(),
    active: checkbox(),
    acceptAnyQuality: checkbox(),
    // A streamed program plays in rotation, within a window, at least `delay` seconds apart.
    streamed: checkbox(),
    streamBegin: clockTime().nullable().optional(),
    streamEnd: clockTime().nullable().optional(),
    streamDelay: vine.number().withoutDecimals().min(0).max(86400).nullable().optional(),
  })
)

export const scheduleValidator = vine.compile(
  vine.object({
    date: calendarDate(),
    endDate: calendarDate().nullable().optional(),
    time: clockTime(),
    timezone: zone(),
    duration: vine.number().withoutDecimals().range([1, 1440]),
    frequency: vine.enum(FREQUENCIES),
    initialId: vine.number().withoutDecimals().nullable().optional(),
  })
)

export const episodeValidator = vine.compile(
  vine.object({
    title: vine.string().trim().minLength(1).maxLength(200),
    slug: slug().nullable().optional(),
    content: vine.string().trim().maxLength(50000).nullable().optional(),
  })
)

export const diffusionMoveValidator = vine.compile(
  vine.object({
    date: calendarDate(),
    time: clockTime(),
    duration: vine.number().withoutDecimals().range([1, 1440]),
  })
)

export const diffusionStateValidator = vine.compile(
  vine.object({
    type: vine.enum(['on_air', 'cancel'] as const),
  })
)

export const soundValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(200),
    episodeId: vine.number().withoutDecimals().nullable().optional(),
    isPublic: checkbox(),
  })
)

export const soundUploadValidator = vine.compile(
  vine.object({
    file: vine.file({ size: '2gb', extnames: ['mp3', 'ogg', 'opus', 'flac', 'wav', 'm4a'] }),
    type: vine.enum(['archive', 'excerpt'] as const),
  })
)

export const tracklistValidator = vine.compile(
  vine.object({
    tracks: vine
      .array(
        vine.object({
          title: vine.string().trim().minLength(1).maxLength(200),
          artist: vine.string().trim().maxLength(200).nullable().optional(),
          album: vine.string().trim().maxLength(200).nullable().optional(),
          timestamp: trackTimestamp().nullable().optional(),
          tags: vine.string().trim().maxLength(200).nullable().optional(),
          info: vine.string().trim().maxLength(500).nullable().optional(),
        })
      )
      .maxLength(500),
  })
)

export const tracklistCsvValidator = vine.compile(
  vine.object({
    csv: vine.file({ size: '1mb', extnames: ['csv', 'txt'] }),
  })
)

const userFields = {
  email: vine.string().trim().toLowerCase().email().maxLength(254),
  fullName: vine.string().trim().maxLength(200).nullable().optional(),
  role: vine.enum(USER_ROLES),
  stationIds: vine.array(vine.number().withoutDecimals()).optional(),
  programIds: vine.array(vine.number().withoutDecimals()).optional(),
}

export const userCreateValidator = vine.compile(
  vine.object({ ...userFields, password: password() })
)

export const userUpdateValidator = vine.compile(
  vine.object({ ...userFields, password: password().nullable().optional() })
)

export const tokenValidator = vine.compile(
  vine.object({ name: vine.string().trim().minLength(1).maxLength(100) })
)

export const pushSoundValidator = vine.compile(
  vine.object({ soundId: vine.number().withoutDecimals() })
)

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
