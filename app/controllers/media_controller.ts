import type { HttpContext } from '@adonisjs/core/http'
import { join } from 'node:path'
import antenneConfig from '#config/antenne'
import Sound from '#models/sound'
import { NotFoundException } from '#exceptions/domain'

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg', ogg: 'audio/ogg', opus: 'audio/ogg', flac: 'audio/flac', wav: 'audio/wav', m4a: 'audio/mp4',
}

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
    const sound = await Sound.query().where('id', Number(params.id) || 0).where('is_public', true).whereNot('type', 'removed').first()
    if (!sound) throw new NotFoundException('no such podcast')
    const extension = sound.path.split('.').pop()!.toLowerCase()
    response.header('content-type', AUDIO_TYPES[extension] ?? 'application/octet-stream')
    return response.download(sound.path)
  }
}
