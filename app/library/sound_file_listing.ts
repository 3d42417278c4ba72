/*
| The sound files of the program folders, with their stat and the CSV
| tracklist beside each: what a scan compares with the `sounds` rows.
*/
import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import type Program from '#models/program'
import { SOUND_FOLDERS, isSoundFile, type SoundFolder } from '#library/sound_file_name'
import { eachLimit } from '#library/library_options'

export interface ListedFile {
  path: string
  program: Program
  folder: SoundFolder
  size: number
  mtime: number
  /** The CSV tracklist beside it, and its mtime. */
  csv: { path: string; mtime: number } | null
}

/**
 * The sound files of the targets' archives and excerpts folders, sorted by
 * path, and the folders that could be read (a missing folder counts as read:
 * its sounds are gone; an unreadable one does not).
 */
export async function listSoundFiles(
  targets: Array<[string, Program]>,
  warn: (message: string) => void
) {
  const files: ListedFile[] = []
  const readable = new Set<string>()
  const pending: Array<Promise<void>> = []
  for (const [programDir, program] of targets) {
    for (const folder of Object.keys(SOUND_FOLDERS) as SoundFolder[]) {
      const dir = join(programDir, folder)
      pending.push(
        (async () => {
          let entries
          try {
            entries = await readdir(dir, { withFileTypes: true })
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code
            if (code === 'ENOENT') readable.add(dir)
            else warn(`${dir}: cannot read the folder (${code}); its sounds are left as they are`)
            return
          }
          readable.add(dir)
          const csvs = new Map<string, string>()
          for (const entry of entries) {
            if (entry.isFile() && extname(entry.name).toLowerCase() === '.csv')
              csvs.set(basename(entry.name, extname(entry.name)), join(dir, entry.name))
          }
          const sounds = entries.filter(
            (entry) => entry.isFile() && !entry.name.startsWith('.') && isSoundFile(entry.name)
          )
          await eachLimit(sounds, 64, async (entry) => {
            const path = join(dir, entry.name)
            try {
              const info = await stat(path)
              const csvPath = csvs.get(basename(entry.name, extname(entry.name)))
              const csvInfo = csvPath ? await stat(csvPath).catch(() => null) : null
              files.push({
                path,
                program,
                folder,
                size: info.size,
                mtime: Math.floor(info.mtimeMs),
                csv:
                  csvPath && csvInfo ? { path: csvPath, mtime: Math.floor(csvInfo.mtimeMs) } : null,
              })
            } catch (error) {
              warn(`${path}: cannot stat (${(error as NodeJS.ErrnoException).code})`)
            }
          })
        })()
      )
    }
  }
  await Promise.all(pending)
  files.sort((a, b) => (a.path < b.path ? -1 : 1))
  return { files, readable }
}
