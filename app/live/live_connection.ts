/*
| How a host's source client reaches a station's live input, as the CMS
| page spells it out: Liquidsoap's harbor on the station's port, mount
| /live, the host's e-mail as user name and their live key as password.
| Pure: the page passes the station's public host name.
*/
import { stationHostNames } from '#feeds/public_origin'

/** The harbor's mount for live shows (resources/liquidsoap/station.edge). */
export const LIVE_MOUNT = '/live'

export interface LiveConnection {
  host: string
  port: number
  mount: string
  user: string
  /** An ffmpeg line that streams a file; `KEY` stands for the key when it is not shown. */
  ffmpeg: string
}

/**
 * The host name a source client should use: the station's first own host
 * name, else the public site's (the harbor runs on the same machine).
 */
export function liveHostName(stationHosts: string | null, publicUrl: string): string {
  return stationHostNames(stationHosts)[0] ?? new URL(publicUrl).hostname
}

/**
 * In an icecast:// URL the user name and the key are percent-encoded: the
 * e-mail's @ would otherwise end the credentials (`host%40radio.example`).
 */
export function liveConnection(
  email: string,
  key: string | null,
  host: string,
  port: number
): LiveConnection {
  const credentials = `${encodeURIComponent(email)}:${key ? encodeURIComponent(key) : 'KEY'}`
  return {
    host,
    port,
    mount: LIVE_MOUNT,
    user: email,
    ffmpeg: `ffmpeg -re -i show.mp3 -c:a libmp3lame -b:a 192k -f mp3 -content_type audio/mpeg icecast://${credentials}@${host}:${port}${LIVE_MOUNT}`,
  }
}
