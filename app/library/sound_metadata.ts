/*
| What a sound file says about itself without being decoded: its real format
| (from its first bytes, since music-metadata trusts the extension), a
| sampled content hash, its tags, its technical format and embedded cover.
*/
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parseFile, parseStream, type IAudioMetadata } from 'music-metadata'

/** Containers told apart by their first bytes, and the extensions that name them. */
const FORMATS = {
  mp3: { extensions: ['.mp3'], mime: 'audio/mpeg' },
  ogg: { extensions: ['.ogg', '.opus'], mime: 'audio/ogg' },
  flac: { extensions: ['.flac'], mime: 'audio/flac' },
  wav: { extensions: ['.wav'], mime: 'audio/wav' },
  mp4: { extensions: ['.m4a'], mime: 'audio/mp4' },
} as const
export type SniffedFormat = keyof typeof FORMATS

export function sniffFormat(head: Buffer): SniffedFormat | null {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1')
  if (ascii(0, 4) === 'OggS') return 'ogg'
  if (ascii(0, 4) === 'fLaC') return 'flac'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav'
  if (ascii(4, 8) === 'ftyp') return 'mp4'
  if (ascii(0, 3) === 'ID3') return 'mp3'
  // An MPEG audio frame sync (11 bits set), layer bits not 00.
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0)
    return 'mp3'
  return null
}

/** Whether the extension names what the content is. */
export function extensionMatches(path: string, format: SniffedFormat) {
  return (FORMATS[format].extensions as readonly string[]).includes(extname(path).toLowerCase())
}

const SAMPLE = 64 * 1024

/**
 * sha256 of the size, the first and the last 64 KiB: enough to recognise a
 * moved file among a library's sounds without reading hours of audio.
 */
export async function fingerprintFile(
  path: string,
  size: number
): Promise<{ fingerprint: string; head: Buffer }> {
  const file = await open(path, 'r')
  try {
    const head = Buffer.alloc(Math.min(SAMPLE, size))
    await file.read(head, 0, head.length, 0)
    const hash = createHash('sha256').update(String(size)).update(head)
    if (size > SAMPLE) {
      const tail = Buffer.alloc(Math.min(SAMPLE, size - SAMPLE))
      await file.read(tail, 0, tail.length, size - tail.length)
      hash.update(tail)
    }
    return { fingerprint: hash.digest('hex'), head }
  } finally {
    await file.close()
  }
}

export interface SoundMetadata {
  duration: number | null
  title: string | null
  artist: string | null
  album: string | null
  year: number | null
  trackNumber: number | null
  codec: string | null
  sampleRate: number | null
  bitrate: number | null
  channels: number | null
  lossless: boolean
  picture: { data: Uint8Array; format: string } | null
}

const text = (value: unknown, max = 255) =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null
const whole = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null

function fromParsed(parsed: IAudioMetadata): SoundMetadata {
  const { common, format } = parsed
  const codec = text(format.codec, 64)
  return {
    duration:
      typeof format.duration === 'number' && Number.isFinite(format.duration)
        ? format.duration
        : null,
    title: text(common.title),
    artist: text(common.artist),
    album: text(common.album),
    year: whole(common.year),
    trackNumber: whole(common.track?.no),
    codec,
    sampleRate: whole(format.sampleRate),
    bitrate: whole(format.bitrate),
    channels: whole(format.numberOfChannels),
    lossless: Boolean(format.lossless) || /^(PCM|FLAC)/i.test(codec ?? ''),
    picture: common.picture?.[0]
      ? { data: common.picture[0].data, format: common.picture[0].format }
      : null,
  }
}

/**
 * Tags and format. A mislabelled file is read as what its content is; a file
 * music-metadata cannot parse throws (the caller warns and goes on).
 */
export async function readSoundMetadata(
  path: string,
  size: number,
  format: SniffedFormat | null
): Promise<SoundMetadata> {
  if (format && !extensionMatches(path, format)) {
    const stream = createReadStream(path)
    try {
      return fromParsed(
        await parseStream(
          stream,
          { mimeType: FORMATS[format].mime, size, path },
          { duration: false }
        )
      )
    } finally {
      stream.destroy()
    }
  }
  return fromParsed(await parseFile(path, { duration: false }))
}

/** Saves a cover once, named by its hash; returns its file name. */
export async function saveCover(
  coversDir: string,
  picture: { data: Uint8Array; format: string }
): Promise<string> {
  const extension = /png/i.test(picture.format)
    ? 'png'
    : /gif/i.test(picture.format)
      ? 'gif'
      : 'jpg'
  const name = `${createHash('sha1').update(picture.data).digest('hex')}.${extension}`
  await mkdir(coversDir, { recursive: true })
  await writeFile(join(coversDir, name), picture.data, { flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    }
  )
  return name
}
