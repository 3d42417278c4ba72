/*
| Which of an episode's archives are recordings of its live show: the
| recorder names them `yyyymmdd_HHhMM_<program slug>[_n].<ext>` in the
| program's archives folder (Aircox's naming, the start in the station's
| zone), so the name alone tells them from a file a host uploaded.
*/
import { basename } from 'node:path'
import { isSoundFile } from '#library/sound_file_name'

function escaped(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function isLiveRecording(path: string, programSlug: string): boolean {
  const name = basename(path)
  if (!isSoundFile(name)) return false
  return new RegExp(
    `^\\d{8}_\\d{2}h\\d{2}_${escaped(programSlug)}(?:_\\d+)?\\.[a-z0-9]+$`,
    'i'
  ).test(name)
}
