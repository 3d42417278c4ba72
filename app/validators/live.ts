/*
| A station's live settings: how long before and after a diffusion its hosts
| may be on the live input, how long a silent live source stays on air, the
| jingle looped meanwhile, and the recording's format. The jingle is read
| by Liquidsoap: it must be an audio file that exists, inside the station's
| folder or the programs' folders (`meta.folders`), not any path a form names.
*/
import vine from '@vinejs/vine'
import { constants } from 'node:fs'
import { access, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative } from 'node:path'
import { LIVE_RECORD_FORMATS } from '#models/station'
import { isSoundFile } from '#library/sound_file_name'

/** The longest margins, in seconds: two hours before or after a slot is already generous. */
export const LIVE_MARGIN_MAX = 7200
/** The longest silence before the live input leaves the air, in seconds. */
export const LIVE_SILENCE_MAX = 600

function inside(path: string, folder: string) {
  const rest = relative(folder, path)
  return rest !== '' && !rest.startsWith('..') && !isAbsolute(rest)
}

/** The real path of a readable regular file, else null. */
async function readableFile(path: string): Promise<string | null> {
  try {
    const real = await realpath(path)
    if (!(await stat(real)).isFile()) return null
    await access(real, constants.R_OK)
    return real
  } catch {
    return null
  }
}

const jingleRule = vine.createRule<undefined>(
  async (value, _, field) => {
    if (typeof value !== 'string') return
    if (!isAbsolute(value) || !isSoundFile(value))
      return field.report(
        'The {{ field }} must be the absolute path of an audio file (.mp3, .ogg, .opus, .flac, .wav or .m4a)',
        'audioPath',
        field
      )
    const real = await readableFile(value)
    if (!real)
      return field.report(
        'The {{ field }} is not a file the server can read',
        'readableFile',
        field
      )
    const folders = (field.meta as { folders?: string[] }).folders ?? []
    const realFolders = await Promise.all(
      folders.map((folder) => realpath(folder).catch(() => null))
    )
    if (!realFolders.some((folder) => folder && inside(real, folder)))
      field.report(
        "The {{ field }} must be inside the station's folder or the programs' folder",
        'insideFolders',
        field
      )
  },
  { isAsync: true }
)

const seconds = (max: number) => vine.number().withoutDecimals().range([0, max])

export const stationLiveValidator = vine.withMetaData<{ folders: string[] }>().compile(
  vine.object({
    liveMarginBefore: seconds(LIVE_MARGIN_MAX),
    liveMarginAfter: seconds(LIVE_MARGIN_MAX),
    liveSilenceAfter: seconds(LIVE_SILENCE_MAX),
    liveSilenceJingle: vine.string().trim().maxLength(1000).use(jingleRule()).nullable().optional(),
    // The select's "not recorded" is its empty value, null once the body is parsed.
    liveRecordFormat: vine.enum(LIVE_RECORD_FORMATS).nullable(),
  })
)
