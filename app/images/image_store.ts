/*
| Uploaded images on disk. A picture is checked from its header (format,
| announced size: a decompression bomb is refused before a pixel is
| decoded), then decoded and resized once into every rendition
| (image_renditions.ts), each written to a temporary name and renamed, so a
| half-written file is never served. Files are named by the SHA-256 of what
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

function render(input: Buffer, rendition: Rendition): Promise<Buffer> {
  const { width, height, fit } = RENDITIONS[rendition]
  // limitInputPixels guards the decoder too, in case a header lied.
  return sharp(input, { limitInputPixels: antenneConfig.images.maxPixels })
    .rotate()
    .resize({ width, height, fit, position: 'centre', background: '#000000' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg({ quality: 85, mozjpeg: true })
    .toBuffer()
}

/**
 * Checks and stores the picture at `source`, resized into every rendition;
 * returns its hash. Refused (ImageRefusedException) when it is not a JPEG,
 * PNG or WebP that decodes whole, is smaller than Apple's 1400 px or larger
 * than the pixel limit; then nothing is written.
 */
export async function storeImage(source: string): Promise<string> {
  const input = await readFile(source)
  const hash = createHash('sha256').update(input).digest('hex')
  let header: sharp.Metadata
  try {
    // The header only (no pixel is decoded here), whatever size it announces: the check below words it.
    header = await sharp(input, { limitInputPixels: false }).metadata()
  } catch {
    throw new ImageRefusedException('imageFormat')
  }
  const problem = pictureProblem(header, antenneConfig.images.maxPixels)
  if (problem) throw new ImageRefusedException(problem)

  // Every rendition is rendered before any is written: a picture that fails
  // to decode half-way (a truncated file) leaves nothing behind.
  const missing: Rendition[] = []
  for (const rendition of RENDITION_NAMES)
    if (!(await exists(renditionPath(hash, rendition)))) missing.push(rendition)
  let rendered: Buffer[]
  try {
    rendered = await Promise.all(missing.map((rendition) => render(input, rendition)))
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
