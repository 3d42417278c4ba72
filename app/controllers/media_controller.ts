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

/** Files named by their content: they never change, caches keep them a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

export default class MediaController {
  /** An embedded cover the library saved (named by its hash: nothing else can be asked for). */
  async cover({ params, response }: HttpContext) {
    const name = String(params.name)
    if (!/^[0-9a-f]{40}\.(jpg|png|gif)$/.test(name)) throw new NotFoundException('no such cover')
    response.header('cache-control', IMMUTABLE)
    return response.download(join(antenneConfig.library.coversDir, name))
  }

  /** An image uploaded in the CMS, in one of its renditions (`<hash>-<rendition>.jpg`). */
  async image(ctx: HttpContext) {
    const file = parseRenditionFile(String(ctx.params.name))
    if (!file) throw new NotFoundException('no such image')
    ctx.response.header('cache-control', IMMUTABLE)
    return sendFile(ctx, renditionPath(file.hash, file.rendition), 'image/jpeg')
  }

  /**
   * A public sound (a podcast) with byte ranges and validators: its mp3 or
   * m4a, else the mp3 made of it; until that is made (it is asked for), the
   * sound as stored, which the site's own player plays.
   */
  async podcast(ctx: HttpContext) {
    const sound = await Sound.query()
      .where('id', Number(ctx.params.id) || 0)
      .withScopes((s) => s.servable())
      .first()
    if (!sound) throw new NotFoundException('no such podcast')
    const file = await readyPodcastFile(sound)
    if (file) return sendFile(ctx, file.path, file.type)
    return sendFile(ctx, sound.path, audioMimeType(sound.path))
  }
}
