/*
| Program folders move from `<programs dir>/<program slug>` to
| `<programs dir>/<station slug>/<program slug>` (see Program.soundsDir).
| Each program without a folder of its own gets one; the old folder moves
| with it, to the first program that claimed it (as the library scanned
| it), and its sounds' paths follow. Programs with a path keep it. Run by
| the migration that made paths unique; idempotent.
*/
import { existsSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

export interface FolderMove {
  programId: number
  path: string
  /** The folder moved, if there was one to move. */
  from: string | null
  sounds: number
}

export async function namespaceProgramFolders(
  db: QueryClientContract,
  programsDir: string
): Promise<FolderMove[]> {
  // Literal names, not #models/table_columns: a migration runs against the schema of its day.
  const programs = await db
    .from('programs')
    .join('stations', 'stations.id', 'programs.station_id')
    .whereNull('programs.path')
    .orderBy('programs.id')
    .select('programs.id', 'programs.slug', 'stations.slug as station')
  const moved = new Set<string>()
  const moves: FolderMove[] = []
  for (const program of programs) {
    const path = `${program.station}/${program.slug}`
    const from = join(programsDir, program.slug)
    const to = join(programsDir, path)
    const move: FolderMove = { programId: program.id, path, from: null, sounds: 0 }
    if (!moved.has(from) && existsSync(from) && !existsSync(to)) {
      await mkdir(dirname(to), { recursive: true })
      await rename(from, to)
      moved.add(from)
      move.from = from
      const sounds = await db
        .from('sounds')
        .where('program_id', program.id)
        .where('path', 'like', `${from}${sep}%`)
        .select('id', 'path')
      for (const sound of sounds)
        await db
          .from('sounds')
          .where('id', sound.id)
          .update({ path: to + sound.path.slice(from.length) })
      move.sounds = sounds.length
    }
    await db.from('programs').where('id', program.id).update({ path })
    moves.push(move)
  }
  return moves
}
