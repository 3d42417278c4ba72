/*
| A sound's form, and the upload form's fields, read after its file was
| staged (app/cms/upload_staging.ts): a missing file is told beside its field.
*/
import vine from '@vinejs/vine'
import { checkbox, staged } from '#validators/rules'

export const soundValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(200),
    episodeId: vine.number().withoutDecimals().nullable().optional(),
    isPublic: checkbox(),
  })
)

/** The episode page's one-click button: publish the sound as a podcast, or take it back. */
export const soundPodcastValidator = vine.compile(
  vine.object({
    isPublic: vine.boolean(),
  })
)

export const soundUploadValidator = vine.compile(
  vine.object({
    file: staged(),
    type: vine.enum(['archive', 'excerpt'] as const),
  })
)
