/*
| The upload forms' fields, read after their file was staged
| (app/cms/upload_staging.ts): a missing file is told beside its field.
*/
import vine from '@vinejs/vine'

const staged = () =>
  vine.object({ path: vine.string(), clientName: vine.string(), size: vine.number() })

export const soundUploadValidator = vine.compile(
  vine.object({
    file: staged(),
    type: vine.enum(['archive', 'excerpt'] as const),
  })
)

export const tracklistCsvValidator = vine.compile(vine.object({ csv: staged() }))
