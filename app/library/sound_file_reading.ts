/*
| Reading a changed sound file: its fingerprint (how a moved file is
| recognised), its format, its tags and its cover picture.
*/
import {
  extensionMatches,
  fingerprintFile,
  readSoundMetadata,
  saveCover,
  sniffFormat,
  type SoundMetadata,
} from '#library/sound_metadata'
import { eachLimit, type LibraryOptions } from '#library/library_options'

export interface FileContent {
  fingerprint: string
  metadata: SoundMetadata | null
  cover: string | null
}

/**
 * Fingerprint, tags and cover of each file, `workers * 4` at a time (mostly
 * waiting on the disk), sorted by path. A file that cannot be read is warned
 * about and left out.
 */
export async function readSoundFiles<T extends { path: string; size: number }>(
  files: T[],
  options: Pick<LibraryOptions, 'workers' | 'coversDir' | 'onProgress'>,
  warn: (message: string) => void
): Promise<Array<T & FileContent>> {
  const read: Array<T & FileContent> = []
  let done = 0
  await eachLimit(files, options.workers * 4, async (file) => {
    try {
      if (file.size === 0) {
        warn(`${file.path}: empty file (0 bytes)`)
        read.push({ ...file, fingerprint: 'empty', metadata: null, cover: null })
        return
      }
      const { fingerprint, head } = await fingerprintFile(file.path, file.size)
      const format = sniffFormat(head)
      if (!format) warn(`${file.path}: not a known audio format`)
      else if (!extensionMatches(file.path, format))
        warn(`${file.path}: mislabelled, the content is ${format}`)
      let metadata: SoundMetadata | null = null
      let cover: string | null = null
      if (format) {
        try {
          metadata = await readSoundMetadata(file.path, file.size, format)
          if (metadata.picture) cover = await saveCover(options.coversDir, metadata.picture)
        } catch (error) {
          warn(`${file.path}: unreadable tags (${(error as Error).message})`)
        }
      }
      read.push({ ...file, fingerprint, metadata, cover })
    } catch (error) {
      warn(
        `${file.path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
      )
    } finally {
      options.onProgress?.(++done, files.length)
    }
  })
  return read.sort((a, b) => (a.path < b.path ? -1 : 1))
}
