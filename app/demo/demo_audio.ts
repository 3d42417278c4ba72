/*
| Demo audio made on this machine (ffmpeg's lavfi synthesis, espeak-ng for
| voices when it is installed): nothing is downloaded.
*/
import { execFile } from 'node:child_process'
import { mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Tags {
  title: string
  artist?: string
  album?: string
  date?: string
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false
  )
}

function metadata(tags: Tags) {
  return Object.entries(tags).flatMap(([key, value]) =>
    value ? ['-metadata', `${key}=${value}`] : []
  )
}

async function ffmpeg(args: string[]) {
  try {
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args])
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT')
      throw new Error('ffmpeg is not installed: run bin/setup (or apt-get install ffmpeg)')
    throw new Error(`ffmpeg failed: ${e.stderr || e.message}`)
  }
}

/**
 * A short piece of "music": a chord of sines with a slow tremolo, different
 * for each `seed`, faded in and out. Written only if missing.
 */
export async function makeMusic(path: string, seconds: number, seed: number, tags: Tags) {
  if (await exists(path)) return path
  await mkdir(dirname(path), { recursive: true })
  const root = 110 * 2 ** ((seed % 12) / 12)
  const expr = [1, 1.25, 1.5, 2]
    .map(
      (ratio, i) =>
        `0.15*sin(2*PI*${(root * ratio).toFixed(2)}*t)*(0.6+0.4*sin(2*PI*${0.2 + i * 0.1}*t))`
    )
    .join('+')
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=${expr}:s=44100:d=${seconds}`,
    '-af',
    `afade=t=in:d=1,afade=t=out:st=${seconds - 1.5}:d=1.5`,
    '-ac',
    '2',
    ...metadata(tags),
    path,
  ])
  return path
}

/**
 * A spoken segment (espeak-ng) over a quiet bed; a tone when espeak-ng is
 * not installed.
 */
export async function makeTalk(path: string, text: string, seconds: number, tags: Tags) {
  if (await exists(path)) return path
  await mkdir(dirname(path), { recursive: true })
  const voice = join(tmpdir(), `antenne-voice-${process.pid}-${Date.now()}.wav`)
  try {
    await run('espeak-ng', ['-w', voice, text])
    await ffmpeg([
      '-i',
      voice,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=220:duration=${seconds}`,
      '-filter_complex',
      `[0:a]apad,atrim=0:${seconds}[v];[1:a]volume=0.8[b];[v][b]amix=inputs=2:duration=longest:normalize=0,afade=t=out:st=${seconds - 1}:d=1`,
      '-ar',
      '44100',
      '-ac',
      '2',
      ...metadata(tags),
      path,
    ])
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await makeMusic(path, seconds, 7, tags)
  } finally {
    await rm(voice, { force: true })
  }
  return path
}
