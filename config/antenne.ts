import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { isAbsolute } from 'node:path'

function folder(configured: string) {
  return isAbsolute(configured) ? configured : app.makePath(configured)
}

/*
| Antenne's own settings.
*/
const antenneConfig = {
  /** Working folders of the stations (station.liq, playlists, sockets) when a station has no path. */
  stationsDir: folder(env.get('ANTENNE_STATIONS_DIR', 'tmp/stations')),

  /** Sound folders of the programs: <programsDir>/<program slug>/{archives,excerpts}. */
  programsDir: folder(env.get('ANTENNE_PROGRAMS_DIR', 'tmp/programs')),

  /** Default title of generated episodes (Aircox's AIRCOX_EPISODE_TITLE). */
  episodeTitle: '{program} – {date}',
}

export default antenneConfig
