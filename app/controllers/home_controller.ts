import type { HttpContext } from '@adonisjs/core/http'
import { DateTime } from 'luxon'
import { nowPlaying } from '#on_air/now_playing'
import { OnAirLog } from '#on_air/on_air_log'
import { NotFoundException } from '#exceptions/domain'

export default class HomeController {
  /** Now playing, the next diffusions and the last things played (Aircox's home). */
  async handle({ view, station }: HttpContext) {
    if (!station) throw new NotFoundException('no station yet')
    const now = DateTime.utc()
    const played = (await OnAirLog.between(station, now.minus({ hours: 6 }), now, now)).slice(0, 5)
    return view.render('pages/home', { now: await nowPlaying(station, now), played })
  }
}
