/*
| Which folders the scan reads: each program's folder, once, and a warning
| for folders of the programs folder that belong to no program.
*/
import { readdir } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import Program from '#models/program'

/** Program folder → program; a folder claimed twice is warned about and kept by the first. */
export async function findProgramFolders(
  warn: (message: string) => void
): Promise<Map<string, Program>> {
  const programs = await Program.query().preload('station').orderBy('id')
  const folders = new Map<string, Program>()
  for (const program of programs) {
    const dir = resolve(program.soundsDir)
    const owner = folders.get(dir)
    if (owner) {
      warn(
        `${dir}: claimed by programs "${owner.slug}" (station ${owner.station.slug}) and "${program.slug}" (station ${program.station.slug}); only the first is scanned`
      )
      continue
    }
    folders.set(dir, program)
  }
  return folders
}

/** Folders in the programs folder that belong to no program ("names that match nothing"). */
export async function warnStrayFolders(
  programsDir: string,
  folders: Map<string, Program>,
  warn: (message: string) => void
) {
  const root = resolve(programsDir)
  const entries = await readdir(root, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') warn(`${root}: cannot read the programs folder (${error.code})`)
      return []
    }
  )
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue
    const dir = join(root, entry.name)
    if (folders.has(dir)) continue
    // A station's folder holds its programs' folders (<station slug>/<program slug>).
    const programs = [...folders.keys()].filter((folder) => folder.startsWith(dir + sep))
    if (!programs.length) {
      warn(`${dir}: no program has this folder (slug "${entry.name}"); not scanned`)
      continue
    }
    for (const inner of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (
        inner.isDirectory() &&
        !inner.name.startsWith('.') &&
        !folders.has(join(dir, inner.name))
      ) {
        warn(
          `${join(dir, inner.name)}: no program of this station has this folder (slug "${inner.name}"); not scanned`
        )
      }
    }
  }
}

/** The program folder that holds `path`, if any (for the watcher). */
export function programDirOf(path: string, folders: Map<string, Program>): string | null {
  for (const dir of folders.keys()) if (path === dir || path.startsWith(dir + sep)) return dir
  return null
}
