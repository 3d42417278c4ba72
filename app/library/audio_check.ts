/*
| Whether a file is audio Antenne can play, asked of ffprobe and ffmpeg
| themselves (a name ending in .mp3 says nothing): one audio stream, a
| duration, and sound that decodes from its first seconds. Read from the
| headers and 10 s of decoding: milliseconds, whatever the file's length.
*/
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface AudioFacts {
  duration: number
  codec: string
}

export type AudioVerdict = { ok: true; facts: AudioFacts } | { ok: false; reason: string }

/** ffprobe's JSON for a file; pure, so that odd answers are tested without files. */
export function judgeProbe(probe: unknown, maxDuration: number): AudioVerdict {
  const data = probe as {
    streams?: Array<{ codec_type?: string; codec_name?: string }>
    format?: { duration?: string }
  }
  const audio = data?.streams?.find((s) => s.codec_type === 'audio')
  if (!audio) return { ok: false, reason: 'not an audio file' }
  const duration = Number(data.format?.duration)
  if (!Number.isFinite(duration) || duration <= 0)
    return { ok: false, reason: 'an audio file without a readable duration' }
  if (duration > maxDuration)
    return { ok: false, reason: `longer than the ${Math.round(maxDuration / 60)} minutes allowed` }
  return { ok: true, facts: { duration, codec: audio.codec_name ?? 'unknown' } }
}

export async function checkAudio(path: string, maxDuration: number): Promise<AudioVerdict> {
  let probe: unknown
  try {
    const { stdout } = await run(
      'ffprobe',
      [
        '-v',
        'error',
        '-print_format',
        'json',
        '-show_entries',
        'stream=codec_type,codec_name:format=duration',
        path,
      ],
      { timeout: 30_000 }
    )
    probe = JSON.parse(stdout)
  } catch {
    return { ok: false, reason: 'not an audio file' }
  }
  const verdict = judgeProbe(probe, maxDuration)
  if (!verdict.ok) return verdict
  // Headers can lie (a zero-filled file named .mp3): the first seconds must decode to samples.
  try {
    const { stdout } = await run(
      'ffmpeg',
      [
        '-nostdin',
        '-v',
        'error',
        '-t',
        '10',
        '-i',
        path,
        '-f',
        's16le',
        '-ac',
        '1',
        '-ar',
        '8000',
        'pipe:1',
      ],
      {
        encoding: 'buffer',
        maxBuffer: 10 * 1024 * 1024,
        timeout: 30_000,
      }
    )
    if (stdout.length < 1600) return { ok: false, reason: 'an audio file that does not decode' }
  } catch {
    return { ok: false, reason: 'an audio file that does not decode' }
  }
  return verdict
}
