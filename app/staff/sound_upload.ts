/*
| A sound uploaded in the CMS goes where a station would copy it by hand
| (the program's archives or excerpts folder), then the library reads and
| measures it exactly as the watcher would: one code path for both.
*/
import { mkdir, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import Sound from '#models/sound'
import type Program from '#models/program'
import { SoundLibrary } from '#library/sound_library'
import { InvalidRecordException } from '#exceptions/domain'
import logger from '@adonisjs/core/services/logger'

/** A file name safe on any disk and in a Liquidsoap URI: letters, digits, `._-`; the extension kept. */
export function safeSoundFileName(clientName: string): string {
  const name = basename(clientName.replace(/\\/g, '/'))
  const ext = (/\.[A-Za-z0-9]+$/.exec(name)?.[0] ?? '').toLowerCase()
  const stem = name.slice(0, name.length - ext.length)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 150)
  return `${stem || 'sound'}${ext}`
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false
  )
}

/**
 * Moves the upload into the folder (never over an existing file: `-2`, `-3`...
 * are added), scans the program and measures the new sound. Returns its row.
 */
export async function storeUploadedSound(program: Program, file: MultipartFile, type: 'archive' | 'excerpt') {
  const dir = type === 'archive' ? program.archivesDir : program.excerptsDir
  await mkdir(dir, { recursive: true })
  const wanted = safeSoundFileName(file.clientName)
  const ext = extname(wanted)
  let name = wanted
  for (let n = 2; await exists(join(dir, name)); n++) name = `${basename(wanted, ext)}-${n}${ext}`
  await file.move(dir, { name, overwrite: false })
  if (file.state !== 'moved') throw new InvalidRecordException(`the upload could not be saved: ${file.errors.map((e) => e.message).join('; ') || 'unknown error'}`)

  const library = SoundLibrary.configured({ info: (m) => logger.info(m), warn: (m) => logger.warn(m) }, { workers: 1 })
  await library.scan([program.id], { settle: 0 })
  await library.checkQuality({ programIds: [program.id] })
  const sound = await Sound.query().where('path', resolve(dir, name)).first()
  if (!sound) throw new InvalidRecordException(`${name} was saved but the library could not read it as audio`)
  return sound
}
