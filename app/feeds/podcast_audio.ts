/*
| The file a podcast enclosure points to. Apple Podcasts takes mp3 and m4a
| only: a sound stored in another format (Ogg, Opus, FLAC, WAV…) is
| transcoded once by ffmpeg into an mp3 kept in the podcast cache, named by
| the sound and by its source's path, size and mtime, so a changed or moved
| file gets a new mp3 and the old one is removed. The mp3 is written under a
| temporary name and renamed: a half-written file is never served.
|
| Transcoding takes seconds to minutes, so no request waits for it: the feed
| asks for the mp3s it lacks and leaves those items out until they are ready
| (a podcast app reads an enclosure's length and type once, and they must
| be true); one ffmpeg runs at a time per process.
*/
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import logger from '@adonisjs/core/services/logger'
import antenneConfig from '#config/antenne'

/** The types Apple lists for enclosures, by extension. */
const DIRECT_TYPES: Record<string, string> = { '.mp3': 'audio/mpeg', '.m4a': 'audio/x-m4a' }

export interface PodcastFile {
  path: string
  type: string
  size: number
  /** Transcoded from the sound's own file. */
  transcoded: boolean
}

interface SoundFile {
  id: number
  path: string
}

/** Whether a sound's file can be an enclosure as stored. */
export const isDirectPodcastFile = (path: string) => extname(path).toLowerCase() in DIRECT_TYPES

function cacheKey(source: string, size: number, mtimeMs: number) {
  const key = `${source}\0${size}\0${Math.trunc(mtimeMs)}\0${antenneConfig.podcasts.bitrate}`
  return createHash('sha1').update(key).digest('hex').slice(0, 20)
}

async function fileSize(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => (s.isFile() ? s.size : null),
    () => null
  )
}

/** Where the mp3 of this version of the sound's file goes, or null when the file is gone. */
async function cachedPath(sound: SoundFile): Promise<string | null> {
  const source = await stat(sound.path).catch(() => null)
  if (!source?.isFile()) return null
  return join(
    antenneConfig.podcasts.cacheDir,
    `${sound.id}-${cacheKey(sound.path, source.size, source.mtimeMs)}.mp3`
  )
}

/**
 * The file to serve as the sound's podcast: its own for mp3 and m4a, else
 * its cached mp3; null when the file is gone or the mp3 is not made yet.
 */
export async function podcastFile(sound: SoundFile): Promise<PodcastFile | null> {
  const direct = DIRECT_TYPES[extname(sound.path).toLowerCase()]
  if (direct) {
    const size = await fileSize(sound.path)
    return size === null ? null : { path: sound.path, type: direct, size, transcoded: false }
  }
  const cached = await cachedPath(sound)
  const size = cached ? await fileSize(cached) : null
  return cached && size ? { path: cached, type: 'audio/mpeg', size, transcoded: true } : null
}

function ffmpeg(source: string, target: string): Promise<void> {
  const args = [
    ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-threads', '1'],
    ...['-i', source, '-map', '0:a:0', '-vn', '-map_metadata', '0', '-id3v2_version', '3'],
    ...['-codec:a', 'libmp3lame', '-b:a', `${antenneConfig.podcasts.bitrate}k`, '-ar', '44100'],
    ...['-f', 'mp3', target],
  ]
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(antenneConfig.podcasts.ffmpeg, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let errors = ''
    child.stderr!.on('data', (chunk) => (errors = (errors + chunk).slice(-2000)))
    // The web process exits without waiting for a transcode: take it along.
    const stop = () => child.kill('SIGKILL')
    process.once('exit', stop)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      stop()
    }, antenneConfig.podcasts.transcodeTimeout * 1000)
    const done = () => {
      clearTimeout(timer)
      process.off('exit', stop)
    }
    child.once('error', (error) => {
      done()
      reject(error)
    })
    child.once('close', (code, signal) => {
      done()
      if (code === 0) resolve()
      else if (timedOut)
        reject(new Error(`ffmpeg killed after ${antenneConfig.podcasts.transcodeTimeout} s`))
      else reject(new Error(`ffmpeg ${code ?? signal}: ${errors.trim() || 'no output'}`))
    })
  })
}

/** Removes the sound's older mp3s (its file changed since) beside `keep`. */
async function removeStale(dir: string, soundId: number, keep: string) {
  const prefix = `${soundId}-`
  for (const name of await readdir(dir))
    if (name.startsWith(prefix) && name.endsWith('.mp3') && join(dir, name) !== keep)
      await rm(join(dir, name), { force: true })
}

/** One ffmpeg at a time; a sound asked for twice is transcoded once; a failure is not retried for an hour. */
class Transcoder {
  #queue: Promise<unknown> = Promise.resolve()
  #pending = new Map<string, Promise<PodcastFile | null>>()
  #failed = new Map<string, number>()
  /** Requests still finding their target (a stat): idle() waits for those too. */
  #asking = new Set<Promise<unknown>>()

  prepare(sound: SoundFile): Promise<PodcastFile | null> {
    const asked = cachedPath(sound).then((target) => {
      if (!target) return null
      const known = this.#pending.get(target)
      if (known) return known
      const failedAt = this.#failed.get(target)
      if (failedAt && Date.now() - failedAt < 3600_000) return null
      const job = this.#queue.then(() => this.#transcode(sound, target))
      this.#pending.set(target, job)
      this.#queue = job.catch(() => null)
      // A rejection is its caller's to handle; this bookkeeping must not be an unhandled one.
      void job.finally(() => this.#pending.delete(target)).catch(() => null)
      return job
    })
    this.#asking.add(asked)
    void asked.finally(() => this.#asking.delete(asked)).catch(() => null)
    return asked
  }

  async #transcode(sound: SoundFile, target: string): Promise<PodcastFile | null> {
    const ready = await podcastFile(sound)
    if (ready) return ready
    const dir = antenneConfig.podcasts.cacheDir
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(dir, 0o700)
    const partial = `${target}.${randomUUID()}.part`
    try {
      await ffmpeg(sound.path, partial)
      await chmod(partial, 0o600)
      await rename(partial, target)
    } catch (error) {
      this.#failed.set(target, Date.now())
      logger.warn(`podcast: sound ${sound.id} could not be transcoded: ${(error as Error).message}`)
      // An mp3 of the file as it was before is of no use now: no leftovers.
      await removeStale(dir, sound.id, target)
      return null
    } finally {
      await rm(partial, { force: true })
    }
    await removeStale(dir, sound.id, target)
    return podcastFile(sound)
  }

  /**
   * Holds the queue until the returned function is called: what is asked
   * for meanwhile waits (tests use it to see a feed before its mp3 exists).
   */
  hold(): () => void {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const previous = this.#queue
    this.#queue = previous.then(() => held)
    return release
  }

  /** Resolves once every transcode asked for so far is done. */
  async idle() {
    while (this.#pending.size || this.#asking.size)
      await Promise.allSettled([...this.#pending.values(), ...this.#asking])
  }
}

export const podcastTranscoder = new Transcoder()

/** The sound's podcast file if ready; otherwise its transcode is asked for and null is returned. */
export async function readyPodcastFile(sound: SoundFile): Promise<PodcastFile | null> {
  const file = await podcastFile(sound)
  if (file || isDirectPodcastFile(sound.path)) return file
  // No request waits for it, and a cache folder that cannot be made must not take the web down.
  podcastTranscoder
    .prepare(sound)
    .catch((error) => logger.error(`podcast: sound ${sound.id}: ${(error as Error).message}`))
  return null
}
