/*
| A sound uploaded in the CMS, once staged (upload_staging.ts): checked to be
| audio within the limits and the station's quota, then moved where a
| station would copy it by hand (the program's archives or excerpts folder)
| and recorded as a sound not measured yet. The request ends there; the
| library process (`node ace sounds --monitor`) reads its tags, measures it
| and checks its quality, as for any file that appears in the folder, and
| the CMS shows it as being analysed meanwhile. Nothing that is not audio is
| ever kept, and the staged file never outlives the request.
*/
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import antenneConfig from '#config/antenne'
import Sound from '#models/sound'
import type Program from '#models/program'
import { InvalidRecordException } from '#exceptions/domain'
import { checkAudio } from '#library/audio_check'
import { discard, type StagedFile } from '#cms/upload_staging'
import { programColumns, soundColumns } from '#models/table_columns'

/** A file name safe on any disk and in a Liquidsoap URI: letters, digits, `._-`; the extension kept. */
export function safeSoundFileName(clientName: string): string {
  const name = basename(clientName.replace(/\\/g, '/'))
  const ext = (/\.[A-Za-z0-9]+$/.exec(name)?.[0] ?? '').toLowerCase()
  const stem = name
    .slice(0, name.length - ext.length)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 150)
  return `${stem || 'sound'}${ext}`
}

export const UPLOAD_EXTENSIONS = ['.mp3', '.ogg', '.opus', '.flac', '.wav', '.m4a']

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false
  )
}

/** Bytes the station's sounds take (the library records each file's size). */
export async function stationUsage(stationId: number): Promise<number> {
  const [s, p] = [soundColumns, programColumns]
  const row = await db
    .from(s.table)
    .join(p.table, p.column('id'), s.column('programId'))
    .where(p.column('stationId'), stationId)
    .whereNot(s.column('type'), 'removed')
    .sum(`${s.column('size')} as total`)
    .first()
  return Number(row?.total ?? 0)
}

function gigabytes(bytes: number) {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`
}

/**
 * Checks the staged file and stores it as a sound of the program (never
 * over an existing file: `-2`, `-3`... are added). The staged file is gone
 * afterwards, stored or refused.
 */
export async function storeUploadedSound(
  program: Program,
  file: StagedFile,
  type: 'archive' | 'excerpt'
): Promise<Sound> {
  const { stationQuotaBytes, maxDurationSeconds } = antenneConfig.uploads
  try {
    const wanted = safeSoundFileName(file.clientName)
    const ext = extname(wanted)
    if (!UPLOAD_EXTENSIONS.includes(ext))
      throw new InvalidRecordException(
        `"${file.clientName}" is not a sound file (${UPLOAD_EXTENSIONS.join(', ')})`
      )
    const used = await stationUsage(program.stationId)
    if (used + file.size > stationQuotaBytes) {
      throw new InvalidRecordException(
        `the station's sounds would take more than its ${gigabytes(stationQuotaBytes)} (${gigabytes(used)} used)`
      )
    }
    const verdict = await checkAudio(file.path, maxDurationSeconds)
    if (!verdict.ok)
      throw new InvalidRecordException(`"${file.clientName}" is refused: ${verdict.reason}`)

    const dir = type === 'archive' ? program.archivesDir : program.excerptsDir
    await mkdir(dir, { recursive: true })
    let name = wanted
    for (let n = 2; await exists(join(dir, name)); n++) name = `${basename(wanted, ext)}-${n}${ext}`
    const path = resolve(dir, name)
    await moveInto(file.path, path)
    return await Sound.create({
      programId: program.id,
      name: basename(name, ext),
      path,
      type,
      duration: verdict.facts.duration,
      size: file.size,
      codec: verdict.facts.codec,
      isPublic: false,
    })
  } finally {
    await discard(file)
  }
}

/** A rename, or a copy when the staging folder is on another disk. */
async function moveInto(from: string, to: string) {
  try {
    await rename(from, to)
  } catch (error) {
    if ((error as { code?: string }).code !== 'EXDEV') throw error
    try {
      await copyFile(from, to)
    } catch (copyError) {
      await rm(to, { force: true })
      throw copyError
    }
  }
}
