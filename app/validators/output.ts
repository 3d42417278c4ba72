/*
| A station's output form. The mount is a file name inside the station's
| recordings folder for a file output, an Icecast mount path otherwise (the
| model's rules, app/models/output.ts, told beside the field).
*/
import vine from '@vinejs/vine'
import { OUTPUT_FORMATS, OUTPUT_TYPES, isMountName, isRecordingName } from '#models/output'
import { checkbox } from '#validators/rules'

const mountRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string' || value === '') return
  if (field.parent?.type === 'file') {
    if (!isRecordingName(value))
      field.report(
        'The {{ field }} of a file output must be a file name inside the station folder, such as live-%Y%m%d.mp3',
        'recordingName',
        field
      )
  } else if (!isMountName(value)) {
    field.report('The {{ field }} field must be a mount such as /radio.mp3', 'mountName', field)
  }
})

const outputMount = () => vine.string().trim().maxLength(200).use(mountRule())

export const outputValidator = vine.compile(
  vine.object({
    type: vine.enum(OUTPUT_TYPES),
    host: vine.string().trim().maxLength(255).nullable().optional(),
    port: vine.number().withoutDecimals().range([1, 65535]).nullable().optional(),
    mount: outputMount().nullable().optional(),
    password: vine.string().maxLength(200).nullable().optional(),
    adminUser: vine.string().trim().maxLength(100).nullable().optional(),
    adminPassword: vine.string().maxLength(255).nullable().optional(),
    // An absolute http(s) address, or a path on the site (a proxy in front of Icecast).
    listenUrl: vine
      .string()
      .trim()
      .maxLength(500)
      .regex(/^(https?:\/\/[^\s"'<>]+|\/[^\s"'<>]*)$/)
      .nullable()
      .optional(),
    format: vine.enum(OUTPUT_FORMATS),
    bitrate: vine.number().withoutDecimals().range([16, 512]),
    active: checkbox(),
  })
)
