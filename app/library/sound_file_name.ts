/*
| What a sound's place and name say (Aircox's SoundFile): the folder gives the
| program and the type, and a name `yyyymmdd[_HHhMM][_n][_]name.ext` gives
| the date (and time) of the diffusion whose episode it belongs to.
*/
import { basename, extname } from 'node:path'

export const SOUND_EXTENSIONS = ['.mp3', '.ogg', '.opus', '.flac', '.wav', '.m4a'] as const

/** The MIME type a sound is served with (podcasts, feeds), from its extension. */
export function audioMimeType(path: string): string {
  const types: Record<string, string> = {
    '.mp3': 'audio/mpeg',
    '.ogg': 'audio/ogg',
    '.opus': 'audio/ogg',
    '.flac': 'audio/flac',
    '.wav': 'audio/wav',
    '.m4a': 'audio/mp4',
  }
  return types[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** The sub-folders of a program's folder, and the type of the sounds in them. */
export const SOUND_FOLDERS = { archives: 'archive', excerpts: 'excerpt' } as const
export type SoundFolder = keyof typeof SOUND_FOLDERS

export interface SoundFileName {
  /** The display name: the name part, `_` as spaces (Aircox's default). */
  name: string
  /** Wall-clock date (and time) in the station's zone, when the name starts with one. */
  date: { year: number; month: number; day: number } | null
  time: { hour: number; minute: number } | null
  /** Aircox parses an episode number and never uses it; so do we. */
  number: number | null
}

const DATED = /^(\d{4})(\d{2})(\d{2})(?:_(\d{2})h(\d{2}))?(?:_(\d+))?_?(.*)$/

export function isSoundFile(path: string) {
  return (SOUND_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase())
}

export function parseSoundFileName(path: string): SoundFileName {
  const stem = basename(path, extname(path))
  const match = DATED.exec(stem)
  const words = (text: string) => text.replace(/_/g, ' ').replace(/\s+/g, ' ').trim()
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
    const valid = month >= 1 && month <= 12 && day >= 1 && day <= 31
    if (valid) {
      const hour = match[4] === undefined ? null : Number(match[4])
      const minute = match[5] === undefined ? null : Number(match[5])
      const time =
        hour !== null && minute !== null && hour < 24 && minute < 60 ? { hour, minute } : null
      return {
        name: words(match[7]) || words(stem),
        date: { year, month, day },
        time,
        number: match[6] === undefined ? null : Number(match[6]),
      }
    }
  }
  return { name: words(stem), date: null, time: null, number: null }
}
