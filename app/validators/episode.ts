/*
| An episode's text, from the CMS form and the write API.
*/
import vine from '@vinejs/vine'
import { slug } from '#validators/rules'

export const episodeValidator = vine.compile(
  vine.object({
    title: vine.string().trim().minLength(1).maxLength(200),
    slug: slug().nullable().optional(),
    content: vine.string().trim().maxLength(50000).nullable().optional(),
  })
)
