/*
| Links to uploaded images, and which image stands for what: an episode's
| cover, else its program's, else the station's logo (the order a podcast
| item, an episode page and a RadioVIS slide use).
*/
import router from '@adonisjs/core/services/router'
import { renditionFile, type Rendition } from '#images/image_renditions'

/** The path of a stored image's rendition (`/images/<hash>-<rendition>.jpg`), or null without an image. */
export function imageUrl(hash: string | null | undefined, rendition: Rendition): string | null {
  if (!hash) return null
  // Commands (RadioVIS) build links before any HTTP server committed the router; a no-op once done.
  router.commit()
  return router.makeUrl('images.show', { name: renditionFile(hash, rendition) })
}

/** An uploaded image's links for the API: `url` 1400 px square (podcasts), `thumbnail` 480 px; null without one. */
export function imageLinks(hash: string | null | undefined) {
  return hash ? { url: imageUrl(hash, 'podcast')!, thumbnail: imageUrl(hash, 'page')! } : null
}

/** The image that stands for an episode: its own, its program's, or the station's logo. */
export function artworkOf(of: {
  episode?: { image: string | null } | null
  program?: { image: string | null } | null
  station?: { logo: string | null } | null
}): string | null {
  return of.episode?.image ?? of.program?.image ?? of.station?.logo ?? null
}
