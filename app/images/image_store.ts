/*
| Uploaded images on disk. A picture is checked from its header (format,
| announced size and what it takes decoded: a decompression bomb is refused
| before a pixel is decoded), then decoded once, shrunk to the largest
| rendition, and each rendition (image_renditions.ts) is cut from those
| pixels, one picture at a time in the process (image_queue.ts); each is
| written to a temporary name and renamed, so a half-written file is never
| served. Files are named by the SHA-256 of what
| was uploaded: the same picture uploaded twice is stored once, and a record
| keeps only the hash. The folder is private (0700, files 0600); the web
| process serves the files through /images/:name.
*/
import { createHash, randomUUID } from 'node:crypto'
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import antenneConfig from '#config/antenne'
import { InvalidRecordException } from '#exceptions/domain'
import {
  RENDITIONS,
  RENDITION_NAMES,
  pictureProblem,
  renditionFile,
  type PictureProblem,
  type Rendition,
} from '#images/image_renditions'
import { queueImageJob } from '#images/image_queue'

/** An upload that is not a picture Antenne keeps; `problem` names why (translated by the CMS). */
export class ImageRefusedException extends InvalidRecordException {
  static code = 'E_IMAGE_REFUSED'
  constructor(readonly problem: PictureProblem) {
    super(`image refused: ${problem}`)
  }
}

export async function imagesDir(): Promise<string> {
  const dir = antenneConfig.images.dir
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  return dir
}

export const renditionPath = (hash: string, rendition: Rendition) =>
  join(antenneConfig.images.dir, renditionFile(hash, rendition))

async function exists(path: string) {
  return stat(path).then(
    (s) => s.isFile() && s.size > 0,
    () => false
  )
}

/**
 * The picture decoded once, turned upright, on white, in sRGB and shrunk so
 * that its shorter side is the largest rendition's (the picture whole: the
 * slide shows it uncropped); every rendition is cut from these pixels.
 */
async function decodeOnce(input: Buffer) {
  const side = Math.max(
    ...RENDITION_NAMES.map((r) => Math.max(RENDITIONS[r].width, RENDITIONS[r].height))
  )
  // limitInputPixels guards the decoder too, in case a header lied.
  return sharp(input, { limitInputPixels: antenneConfig.images.maxPixels })
    .rotate()
    .resize({ width: side, height: side, fit: 'outside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
}

async function render(decoded: Awaited<ReturnType<typeof decodeOnce>>, rendition: Rendition) {
  const { width, height, fit } = RENDITIONS[rendition]
  const { data, info } = decoded
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .resize({ width, height, fit, position: 'centre', background: '#000000' })
    .jpeg({ quality: 85, mozjpeg: true })
    .toBuffer()
}

/**
 * Checks and stores the picture at `source`, resized into every rendition;
 * returns its hash. Refused (ImageRefusedException) when it is not a JPEG,
 * PNG or WebP that decodes whole, is smaller than Apple's 1400 px or larger
 * than the pixel limit; then nothing is written.
 */
export function storeImage(source: string): Promise<string> {
  return queueImageJob(`store ${source}`, () => storeImageNow(source))
}

/** storeImage, for a caller already in the image queue (setImage). */
export async function storeImageNow(source: string): Promise<string> {
  const input = await readFile(source)
  const hash = createHash('sha256').update(input).digest('hex')
  let header: sharp.Metadata
  try {
    // The header only (no pixel is decoded here), whatever size it announces: the check below words it.
    header = await sharp(input, { limitInputPixels: false }).metadata()
  } catch {
    throw new ImageRefusedException('imageFormat')
  }
  const { maxPixels, maxDecodedBytes } = antenneConfig.images
  const problem = pictureProblem(header, maxPixels, maxDecodedBytes)
  if (problem) throw new ImageRefusedException(problem)

  // Every rendition is rendered before any is written: a picture that fails
  // to decode half-way (a truncated file) leaves nothing behind.
  const missing: Rendition[] = []
  for (const rendition of RENDITION_NAMES)
    if (!(await exists(renditionPath(hash, rendition)))) missing.push(rendition)
  const rendered: Buffer[] = []
  try {
    if (missing.length) {
      const decoded = await decodeOnce(input)
      for (const rendition of missing) rendered.push(await render(decoded, rendition))
    }
  } catch {
    throw new ImageRefusedException('imageFormat')
  }
  const dir = await imagesDir()
  for (const [index, rendition] of missing.entries()) {
    const target = join(dir, renditionFile(hash, rendition))
    const partial = `${target}.${randomUUID()}.part`
    try {
      await writeFile(partial, rendered[index], { mode: 0o600, flag: 'wx' })
      await rename(partial, target)
    } finally {
      await rm(partial, { force: true })
    }
  }
  return hash
}
