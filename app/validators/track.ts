/*
| A tracklist, as the CMS form (its rows put in order by the controller) and
| the write API send it, or as an uploaded CSV, read after its file was
| staged (app/cms/upload_staging.ts).
*/
import vine from '@vinejs/vine'
import { staged, trackTimestamp } from '#validators/rules'

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

export const tracklistCsvValidator = vine.compile(vine.object({ csv: staged() }))
