/*
| The pure half of `--config`: Liquidsoap literals, source ids, encoders,
| gains and playlist lines, and the script rendered from
| resources/liquidsoap/station.edge. No database, no files.
*/
import { Edge } from 'edge.js'
import { fileURLToPath } from 'node:url'

/**
 * A Liquidsoap string literal. Liquidsoap interpolates `#{...}` in both quote
 * styles and has no escape for it, so such text is split into a concatenation.
 */
export function liq(value: string | null | undefined): string {
  const escaped = (value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
  if (!escaped.includes('#{')) return `"${escaped}"`
  return `(${escaped
    .split('#{')
    .map((part, i) => `"${i > 0 ? '{' : ''}${part}${'#'}"`)
    .join(' ^ ')
    .replace(/#"$/, '"')})`
}

/** Source ids and top-level names of the script, which a playlist must not take. */
const RESERVED_IDS = new Set([
  'main',
  'dealer',
  'dealer_gate',
  'dealer_queue',
  'live',
  'live_enabled',
  'live_cut_at',
  'live_user',
  'live_auth',
  'live_silent',
  'live_heard',
  'live_jingle',
  'live_listener',
  'live_silence',
  'record_path',
  'recorder',
  'recorder_gate',
  'record_open',
  'record_command',
  'harbor',
  'music',
  'music_rotation',
  'music_released',
  'hold_ms',
  'radio',
  'gain',
  'clock',
  'station',
  'station_started',
  'request',
  'var',
  'blank',
  'blank_since',
  'first_on_air',
  'current',
  'finite',
  'selected_id',
  'titles',
  'titles_clean',
])

/** The Liquidsoap id (and telnet namespace) of a program's playlist. */
export function playlistId(programSlug: string): string {
  const id = programSlug
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^(\d)/, '_$1')
  return RESERVED_IDS.has(id) || id.startsWith('output_') ? `program_${id}` : id
}

/** Liquidsoap's time predicate body for a local HH:MM window: `8h00-20h30`. */
export function timeWindow(begin: string | null, end: string | null): string | null {
  if (!begin || !end) return null
  const hm = (value: string) => {
    const match = /^(\d{1,2}):(\d{2})$/.exec(value)
    if (!match) throw new Error(`invalid stream time "${value}" (expected HH:MM)`)
    return `${Number(match[1])}h${match[2]}`
  }
  return `${hm(begin)}-${hm(end)}`
}

export interface OutputSettings {
  type: 'icecast' | 'file'
  format: 'mp3' | 'ogg' | 'opus'
  bitrate: number
}

/**
 * The encoder of an output format: MP3 (lame), Vorbis CBR, Opus.
 *
 * Opus goes through the FFmpeg encoder, not `%ogg(%opus)`: Liquidsoap 2.1's
 * own Ogg muxer ends the logical stream and starts a new one (a chained Ogg)
 * at each metadata, to write the new comments, and Chromium and ffmpeg 5.1
 * end an Opus stream there (`ended` after the first song). FFmpeg's keeps one
 * logical stream for as long as the output runs; titles are then not in the
 * Opus audio, and players take them from the site (now playing, the API):
 * Icecast 2.4 refuses URL title updates on Ogg mounts. Vorbis players follow
 * chained streams (Chromium and ffmpeg do), so Vorbis keeps its comments.
 * (drop_metadata on the Opus output alone would not do: in 2.1 it empties the
 * metadata the other outputs share, and MP3 listeners saw "Unknown".)
 */
export function encoderFor(output: OutputSettings): string {
  const bitrate = Math.round(output.bitrate)
  switch (output.format) {
    case 'mp3':
      return `%mp3(bitrate=${bitrate})`
    case 'ogg':
      return `%ogg(%vorbis.cbr(bitrate=${bitrate}))`
    case 'opus':
      return `%ffmpeg(format="ogg", %audio(codec="libopus", b="${bitrate}k", ar=48000, ac=2))`
  }
}

/** The encoder and extension of a live show's recording. */
export function recordingFormat(format: 'mp3' | 'ogg' | 'flac'): {
  encoder: string
  extension: string
} {
  switch (format) {
    case 'mp3':
      return { encoder: '%mp3(bitrate=192)', extension: 'mp3' }
    case 'ogg':
      return { encoder: '%ogg(%vorbis(quality=0.6))', extension: 'ogg' }
    case 'flac':
      return { encoder: '%flac', extension: 'flac' }
  }
}

export interface SoundLoudness {
  loudness: number | null
  truePeak: number | null
}

/** Largest correction applied, either way, in dB. */
export const MAX_GAIN_DB = 12
/** Peak ceiling after the gain, in dBTP (EBU R128 broadcast practice). */
export const PEAK_CEILING_DBTP = -1

/**
 * The gain that brings a sound to the target loudness without pushing its
 * true peak above the ceiling; null when the library has not measured it.
 */
export function soundGain(sound: SoundLoudness, targetLufs: number): number | null {
  if (sound.loudness === null || !Number.isFinite(sound.loudness)) return null
  let gain = targetLufs - sound.loudness
  if (sound.truePeak !== null && Number.isFinite(sound.truePeak)) {
    gain = Math.min(gain, PEAK_CEILING_DBTP - sound.truePeak)
  }
  gain = Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, gain))
  return Math.round(gain * 100) / 100
}

/**
 * A request URI: the file, annotated with the metadata the controller needs
 * back on air (the gain, the diffusion, a cue-in point).
 */
export function requestUri(
  path: string,
  annotations: Record<string, string | number | null | undefined> = {}
): string {
  const pairs = Object.entries(annotations)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${JSON.stringify(String(value))}`)
  return pairs.length ? `annotate:${pairs.join(',')}:${path}` : path
}

/** An m3u playlist of absolute paths, with each sound's gain when known. */
export function playlistText(
  sounds: Array<SoundLoudness & { path: string }>,
  targetLufs: number
): string {
  const lines = ['#EXTM3U']
  for (const sound of sounds) {
    const gain = soundGain(sound, targetLufs)
    lines.push(requestUri(sound.path, { liq_amplify: gain === null ? null : `${gain} dB` }))
  }
  return lines.join('\n') + '\n'
}

export interface ScriptPlaylist {
  id: string
  title: string
  path: string
  begin: string | null
  end: string | null
  window: string | null
  delay: number
}

export interface ScriptOutput {
  id: string
  type: 'icecast' | 'file'
  encoder: string
  /** What Icecast is told it receives (the FFmpeg encoder does not say). */
  contentType?: string
  host?: string
  port?: number
  password?: string
  mount?: string
  path?: string
}

export interface ScriptHarbor {
  port: number
  bind: string
  /** The shell command of the live gate, with its files (see app/live/live_gate.ts). */
  gate: string
  /** Seconds of silence before the live input leaves the air; 0: never. */
  silenceAfter: number
  /** Looped while the live input is silent; null: the rotation airs. */
  jingle: string | null
  /** The encoder live shows are recorded with; null: not recorded. */
  recordEncoder: string | null
}

export interface ScriptData {
  header: string
  stationName: string
  allowRoot: boolean
  /** Several nodes may play the station: outputs on only while this one holds its lease. */
  fenced: boolean
  logPath: string
  socketPath: string
  /** Seconds the gate opens early, so that the first frame lands on the start (measured). */
  gateAdvance: number
  /** Seconds of silence before the script reports dead air. */
  deadAirAfter: number
  harbor: ScriptHarbor | null
  playlists: ScriptPlaylist[]
  outputs: ScriptOutput[]
}

const edge = Edge.create({ cache: true })
edge.mount(fileURLToPath(new URL('../../resources/', import.meta.url)))

/** Renders the station script; comments stay single-line, blank runs collapse. */
export async function renderScript(data: ScriptData): Promise<string> {
  const text = await edge.render('liquidsoap/station', {
    ...data,
    header: data.header.replace(/[\r\n]+/g, ' '),
    stationName: data.stationName,
    gateAdvance: data.gateAdvance.toFixed(3),
    deadAirAfter: Math.max(1, Math.round(data.deadAirAfter)),
    liq,
  })
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trimStart()
}
