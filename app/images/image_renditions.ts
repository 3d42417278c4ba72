/*
| The sizes an uploaded image is stored in, and the rules a picture must meet
| before it is decoded, pure. Each upload is resized once, into every
| rendition, and the files are named `<content hash>-<rendition>.jpg`, so a
| name is all a page, a feed or a slide needs, and it never changes meaning
| (served with a year's cache).
*/

/**
 * - `podcast`: Apple Podcasts wants 1400 to 3000 pixels square, JPEG or PNG,
 *   RGB; 1400 keeps feeds light for the apps that fetch every channel image.
 * - `page`: the public pages and the API's thumbnails.
 * - `slide`: RadioVIS, 320 × 240 (ETSI TS 101 499 slides), the picture whole
 *   on a black band rather than cropped.
 */
export const RENDITIONS = {
  podcast: { width: 1400, height: 1400, fit: 'cover' },
  page: { width: 480, height: 480, fit: 'cover' },
  slide: { width: 320, height: 240, fit: 'contain' },
} as const

export type Rendition = keyof typeof RENDITIONS

export const RENDITION_NAMES = Object.keys(RENDITIONS) as Rendition[]

/** The formats an upload may be in (what sharp reports); SVG, GIF, TIFF and HEIF are refused. */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const

/** The file extensions the upload form takes (checked again from the decoded content). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp']

/** Apple's minimum: a smaller picture would be blown up into a blurred podcast cover. */
export const MIN_SIDE = 1400

export type PictureProblem = 'imageFormat' | 'imageTooSmall' | 'imageTooLarge' | 'imageTooHeavy'

/** Bytes a decoded sample takes, by sharp's depth name (8-bit unless told). */
const SAMPLE_BYTES: Record<string, number> = {
  ushort: 2,
  short: 2,
  uint: 4,
  int: 4,
  float: 4,
  double: 8,
}

/** What the picture takes once decoded, in bytes: a 16-bit RGBA pixel is 8 bytes, a JPEG's is 3. */
export const decodedBytes = (header: {
  width?: number
  height?: number
  channels?: number
  depth?: string
}) =>
  (header.width ?? 0) *
  (header.height ?? 0) *
  (header.channels ?? 4) *
  (SAMPLE_BYTES[header.depth ?? 'uchar'] ?? 1)

/**
 * What is wrong with a picture, from its header alone (before a pixel is
 * decoded, so a decompression bomb is refused by its announced size), or null.
 * Pixels are counted, and bytes too: an interlaced PNG is decoded whole into
 * memory, and a 16-bit one of 49 MP took 400 MB per decode (a 48 MP phone
 * JPEG, 8-bit RGB, is 144 MB).
 */
export function pictureProblem(
  header: { format?: string; width?: number; height?: number; channels?: number; depth?: string },
  maxPixels: number,
  maxDecodedBytes = Number.POSITIVE_INFINITY
): PictureProblem | null {
  if (!header.format || !(IMAGE_FORMATS as readonly string[]).includes(header.format))
    return 'imageFormat'
  const { width = 0, height = 0 } = header
  if (!(width > 0 && height > 0)) return 'imageFormat'
  if (width * height > maxPixels) return 'imageTooLarge'
  if (decodedBytes(header) > maxDecodedBytes) return 'imageTooHeavy'
  if (Math.min(width, height) < MIN_SIDE) return 'imageTooSmall'
  return null
}

const NAME = /^([0-9a-f]{64})-([a-z]+)\.jpg$/

export const renditionFile = (hash: string, rendition: Rendition) => `${hash}-${rendition}.jpg`

/** The hash and rendition a requested file name stands for, or null for any other name. */
export function parseRenditionFile(name: string): { hash: string; rendition: Rendition } | null {
  const match = NAME.exec(name)
  if (!match || !(RENDITION_NAMES as string[]).includes(match[2])) return null
  return { hash: match[1], rendition: match[2] as Rendition }
}

export const isImageHash = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)
