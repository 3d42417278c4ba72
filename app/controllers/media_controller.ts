import type { HttpContext } from '@adonisjs/core/http'
import { join } from 'node:path'
import antenneConfig from '#config/antenne'
import Sound from '#models/sound'
import { NotFoundException } from '#exceptions/domain'
import { audioMimeType } from '#library/sound_file_name'
import { parseRenditionFile } from '#images/image_renditions'
import { renditionPath } from '#images/image_store'
import { readyPodcastFile } from '#feeds/podcast_audio'
import { sendFile } from '#controllers/send_file'

/** Files named by their content: they never change, caches keep them a year (once found). */
const IMMUTABLE = { cacheControl: 'public, max-age=31536000, immutable' }

const COVER_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
}

export default class MediaController {
  /** An embedded cover the library saved (named by its hash: nothing else can be asked for). */
  async cover(ctx: HttpContext) {
    const name = String(ctx.params.name)
    const match = /^[0-9a-f]{40}\.(jpg|png|gif)$/.exec(name)
    if (!match) throw new NotFoundException('no such cover')
    const path = join(antenneConfig.library.coversDir, name)
    return sendFile(ctx, path, COVER_TYPES[match[1]], IMMUTABLE)
  }

  /** An image uploaded in the CMS, in one of its renditions (`<hash>-<rendition>.jpg`). */
  async image(ctx: HttpContext) {
    const file = parseRenditionFile(String(ctx.params.name))
    if (!file) throw new NotFoundException('no such image')
    return sendFile(ctx, renditionPath(file.hash, file.rendition), 'image/jpeg', IMMUTABLE)
  }

  /**
   * A public sound (a podcast) with byte ranges and validators: its mp3 or
   * m4a, else the mp3 made of it; until that is made (it is asked for), the
   * sound as stored, which the site's own player plays.
   */
  async podcast(ctx: HttpContext) {
    const sound = await Sound.query()
      .where('id', ctx.params.id as number)
      .withScopes((s) => s.servable())
      .first()
    if (!sound) throw new NotFoundException('no such podcast')
    const file = await readyPodcastFile(sound)
    if (file) return sendFile(ctx, file.path, file.type)
    return sendFile(ctx, sound.path, audioMimeType(sound.path))
  }
}
