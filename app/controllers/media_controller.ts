import type { HttpContext } from '@adonisjs/core/http'
import { join } from 'node:path'
import antenneConfig from '#config/antenne'
import Sound from '#models/sound'
import { NotFoundException } from '#exceptions/domain'
import { audioMimeType } from '#library/sound_file_name'

export default class MediaController {
  /** An embedded cover the library saved (named by its hash: nothing else can be asked for). */
  async cover({ params, response }: HttpContext) {
    const name = String(params.name)
    if (!/^[0-9a-f]{40}\.(jpg|png|gif)$/.test(name)) throw new NotFoundException('no such cover')
    response.header('cache-control', 'public, max-age=31536000, immutable')
    return response.download(join(antenneConfig.library.coversDir, name))
  }

  /** A public sound (a podcast), streamed from the programs folder. */
  async podcast({ params, response }: HttpContext) {
    const sound = await Sound.query()
      .where('id', Number(params.id) || 0)
      .withScopes((s) => s.servable())
      .first()
    if (!sound) throw new NotFoundException('no such podcast')
    response.header('content-type', audioMimeType(sound.path))
    return response.download(sound.path)
  }
}
