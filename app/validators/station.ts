/*
| A station's form: its name, zone, folder, harbor and RadioVIS settings.
| Messages are the field's name and what is expected, shown beside it.
*/
import vine from '@vinejs/vine'
import { checkbox, radiovisTopic, slug, zone } from '#validators/rules'

export const stationValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(200),
    slug: slug(),
    timezone: zone(),
    hosts: vine.string().trim().maxLength(500).nullable().optional(),
    path: vine.string().trim().maxLength(500).nullable().optional(),
    harborPort: vine.number().withoutDecimals().range([1024, 65535]).nullable().optional(),
    harborPassword: vine.string().minLength(16).maxLength(200).nullable().optional(),
    radiovisTopic: radiovisTopic().nullable().optional(),
    radiovisText: vine.string().trim().maxLength(128).nullable().optional(),
    radiovisImage: vine
      .string()
      .trim()
      .maxLength(1000)
      .url({ require_protocol: true })
      .nullable()
      .optional(),
    // BCP 47: a language and an optional region or script (fr, fr-BE, zh-Hant).
    language: vine
      .string()
      .trim()
      .maxLength(35)
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/)
      .nullable()
      .optional(),
    podcastAuthor: vine.string().trim().maxLength(200).nullable().optional(),
    podcastEmail: vine.string().trim().maxLength(254).email().nullable().optional(),
    isDefault: checkbox(),
    active: checkbox(),
  })
)
