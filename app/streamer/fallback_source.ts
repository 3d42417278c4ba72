/*
| The source of a mount's fallback (see icecast_config.ts): a few seconds of
| silence encoded once at the mount's format and bitrate (or the station's
| own fallback audio), looped to Icecast in real time over HTTP PUT.
|
| It is written here rather than as an ffmpeg or a second Liquidsoap so that
| the source password never appears in a command line (/proc is readable by
| every local user), and because it costs nothing: a write of 1.6 KB every
| 100 ms per mount, with no encoder running.
*/
import { execFile } from 'node:child_process'
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises'
import net from 'node:net'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import antenneConfig from '#config/antenne'
import { contentType, fallbackMount } from '#streamer/icecast_config'
import type { Logger } from '#types/logger'

const run = promisify(execFile)

export interface FallbackTarget {
  host: string
  port: number
  /** The station's mount; the fallback goes to its `-fallback` twin. */
  mount: string
  password: string
  format: 'mp3' | 'ogg' | 'opus'
  bitrate: number
  name: string
}

const TICK_MS = 100
/**
 * Between two tries. Where two playout hosts share a station, both try to
 * feed its fallback and Icecast takes one: when that one dies, the other
 * must have it before the mount itself falls back to it, within a second.
 */
const retryMs = () => (antenneConfig.streamer.node ? 500 : 2000)
const PREPARE_RETRY_MS = 30_000
/** Seconds of silence encoded: long enough that an Ogg loop (a new chained stream) is rare. */
const SILENCE_SECONDS = 60

/** The fallback audio for a format and bitrate, encoded once into `dir` (ffmpeg). */
export async function fallbackAudio(
  dir: string,
  target: Pick<FallbackTarget, 'format' | 'bitrate'>,
  source: string | null
): Promise<string> {
  const bitrate = Math.round(target.bitrate)
  const name = `fallback-${target.format}-${bitrate}${source ? '-custom' : ''}.${target.format === 'mp3' ? 'mp3' : 'ogg'}`
  const path = join(dir, name)
  // Encoded already, and after the station's own audio last changed.
  const encoded = await stat(path).catch(() => null)
  if (encoded && (!source || encoded.mtimeMs >= (await stat(source)).mtimeMs)) return path
  await mkdir(dirname(path), { recursive: true })
  const rate = target.format === 'opus' ? 48000 : 44100
  const input = source
    ? ['-i', source]
    : ['-f', 'lavfi', '-i', `anullsrc=r=${rate}:cl=stereo`, '-t', String(SILENCE_SECONDS)]
  const codec =
    target.format === 'mp3'
      ? [
          '-c:a',
          'libmp3lame',
          '-b:a',
          `${bitrate}k`,
          '-id3v2_version',
          '0',
          '-write_xing',
          '0',
          '-f',
          'mp3',
        ]
      : target.format === 'ogg'
        ? ['-c:a', 'libvorbis', '-b:a', `${bitrate}k`, '-f', 'ogg']
        : ['-c:a', 'libopus', '-b:a', `${bitrate}k`, '-f', 'ogg']
  const temporary = `${path}.${process.pid}.tmp`
  try {
    await run(
      'ffmpeg',
      [
        '-nostdin',
        '-loglevel',
        'error',
        '-y',
        ...input,
        '-ar',
        String(rate),
        '-ac',
        '2',
        ...codec,
        temporary,
      ],
      { timeout: 60_000 }
    )
    await rename(temporary, path)
  } finally {
    await rm(temporary, { force: true })
  }
  return path
}

/** Seconds of audio in a file (ffprobe). */
export async function duration(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'default=nw=1:nk=1',
    path,
  ])
  const seconds = Number(stdout.trim())
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`cannot read the duration of ${path}`)
  return seconds
}

export class FallbackSource {
  readonly target: FallbackTarget
  readonly mount: string
  readonly #logger: Logger
  readonly #audioPath: () => Promise<string>
  #audio: Buffer | null = null
  #bytesPerSecond = 0
  #socket: net.Socket | null = null
  #timer: NodeJS.Timeout | null = null
  #retry: NodeJS.Timeout | null = null
  #stopped = false
  #sent = 0
  #position = 0
  #since = 0
  #lastProblem: string | null = null
  /** Whether Icecast accepted the source and it is streaming. */
  live = false

  constructor(target: FallbackTarget, audioPath: () => Promise<string>, logger: Logger) {
    this.target = target
    this.mount = fallbackMount(target.mount)
    this.#audioPath = audioPath
    this.#logger = logger
  }

  /** Resolves after the first try: a fallback that cannot be prepared (a full disk) is tried again every 30 s. */
  async start(): Promise<void> {
    this.#stopped = false
    try {
      const path = await this.#audioPath()
      this.#audio = await readFile(path)
      this.#bytesPerSecond = this.#audio.length / (await duration(path))
    } catch (error) {
      this.#problem(
        `cannot prepare the fallback audio of ${this.mount} (${(error as Error).message.split('\n')[0]})`,
        PREPARE_RETRY_MS
      )
      if (!this.#stopped) this.#retry = setTimeout(() => void this.start(), PREPARE_RETRY_MS)
      return
    }
    this.#connect()
  }

  #connect() {
    if (this.#stopped) return
    const { host, port, password, format, name } = this.target
    const socket = net.connect({ host, port })
    this.#socket = socket
    let answered = false
    let reply = ''
    socket.setNoDelay(true)
    socket.on('connect', () => {
      socket.write(
        [
          `PUT ${encodeURI(this.mount)} HTTP/1.1`,
          `Host: ${host}:${port}`,
          `Authorization: Basic ${Buffer.from(`source:${password}`).toString('base64')}`,
          `Content-Type: ${contentType(format)}`,
          `Ice-Name: ${name.replace(/[\r\n]/g, ' ')} (fallback)`,
          'Ice-Public: 0',
          'Expect: 100-continue',
          'User-Agent: Antenne fallback',
          '',
          '',
        ].join('\r\n')
      )
    })
    socket.on('data', (chunk) => {
      if (answered) return
      reply += chunk.toString('latin1')
      if (!reply.includes('\r\n')) return
      answered = true
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1] ?? 0)
      if (status !== 100 && (status < 200 || status > 299)) {
        this.#problem(
          `Icecast refused the fallback source of ${this.mount}: ${reply.split('\r\n')[0]}`
        )
        socket.destroy()
        return
      }
      this.#stream(socket)
    })
    socket.on('error', (error) =>
      this.#problem(`fallback source of ${this.mount}: ${error.message}`)
    )
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = null
      if (this.#timer) clearInterval(this.#timer)
      this.#timer = null
      this.live = false
      if (!this.#stopped) this.#retry = setTimeout(() => this.#connect(), retryMs())
    })
  }

  /** Sends what real time asks for since the start, looping over the audio. */
  #stream(socket: net.Socket) {
    this.live = true
    if (this.#lastProblem) this.#logger.info(`fallback source of ${this.mount} streaming again`)
    this.#lastProblem = null
    this.#since = Date.now()
    this.#sent = 0
    // One second ahead, like an encoder's buffer: a listener moved here never starves.
    const lead = this.#bytesPerSecond
    const pump = () => {
      const due =
        Math.floor(((Date.now() - this.#since) / 1000) * this.#bytesPerSecond + lead) - this.#sent
      if (due <= 0 || socket.writableLength > lead * 2) return
      const audio = this.#audio!
      let left = due
      while (left > 0) {
        const end = Math.min(audio.length, this.#position + left)
        socket.write(audio.subarray(this.#position, end))
        left -= end - this.#position
        this.#position = end % audio.length
      }
      this.#sent += due
    }
    pump()
    this.#timer = setInterval(pump, TICK_MS)
  }

  /** One line per problem, not one per retry. */
  #problem(message: string, every = retryMs()) {
    if (this.#lastProblem === message) return
    this.#lastProblem = message
    this.#logger.warn(`${message}; retrying every ${every / 1000} s`)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#retry) clearTimeout(this.#retry)
    if (this.#timer) clearInterval(this.#timer)
    this.#retry = this.#timer = null
    const socket = this.#socket
    if (!socket) return
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.end()
      setTimeout(() => {
        socket.destroy()
        resolve()
      }, 500).unref()
    })
    this.#socket = null
  }
}
