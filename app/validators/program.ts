/*
| A program's form (its station is checked against the user's rights by the
| controller, once validated).
*/
import vine from '@vinejs/vine'
import { checkbox, clockTime, slug } from '#validators/rules'
import { PODCAST_CATEGORY_VALUES } from '#feeds/podcast_categories'

export const programValidator = vine.compile(
  vine.object({
    stationId: vine.number().withoutDecimals(),
    title: vine.string().trim().minLength(1).maxLength(200),
    slug: slug().nullable().optional(),
    description: vine.string().trim().maxLength(20000).nullable().optional(),
    active: checkbox(),
    acceptAnyQuality: checkbox(),
    // What podcast directories file it under (Apple's list), and whether it is explicit.
    podcastCategory: vine.enum(PODCAST_CATEGORY_VALUES).nullable().optional(),
    podcastExplicit: checkbox(),
    // A streamed program plays in rotation, within a window, at least `delay` seconds apart.
    streamed: checkbox(),
    streamBegin: clockTime().nullable().optional(),
    streamEnd: clockTime().nullable().optional(),
    streamDelay: vine.number().withoutDecimals().min(0).max(86400).nullable().optional(),
  })
)
