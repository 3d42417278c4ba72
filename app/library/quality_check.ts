/*
| The quality check (Aircox's sounds_quality_check): loudness for the
| streamer and a verdict for the scheduler, one decode per sound.
*/
import { performance } from 'node:perf_hooks'
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { sqlDateTime } from '#models/columns'
import { batches } from '#models/batch_size'
import { programColumns, soundColumns, stationColumns } from '#models/table_columns'
import { touchChangeStamp } from '#models/change_stamp'
import { events } from '#events/event_outbox'
import { analyseFile } from '#library/audio_analysis'
import { qualityReasons } from '#library/sound_quality'
import { extensionMatches, sniffFormat } from '#library/sound_metadata'
import {
  WRITE_BATCH,
  WarningCounter,
  eachLimit,
  type LibraryOptions,
} from '#library/library_options'

export interface QualitySummary {
  analysed: number
  good: number
  bad: number
  /** Seconds of audio analysed. */
  audioSeconds: number
  warnings: number
  seconds: number
}

interface MeasuredSound {
  id: number
  program_id: number
  name: string
  path: string
  duration: number | null
  sample_rate: number | null
  channels: number | null
  bitrate: number | null
  codec: string | null
}

/** "mislabelled: …" when the first bytes say another format than the extension. Throws ENOENT for a missing file. */
async function mislabelled(path: string): Promise<string | null> {
  const file = await open(path, 'r')
  try {
    const head = Buffer.alloc(16)
    await file.read(head, 0, 16, 0)
    const format = sniffFormat(head)
    if (!format) return null
    return extensionMatches(path, format)
      ? null
      : `mislabelled: the content is ${format}, the name says ${extname(path)}`
  } finally {
    await file.close()
  }
}

/**
 * Loudness and quality of the sounds not measured yet (or of all, with
 * `recheck`): one decode each, `workers` at a time.
 */
export async function checkSoundQuality(
  libraryOptions: LibraryOptions,
  options: { recheck?: boolean; programIds?: number[] } = {}
): Promise<QualitySummary> {
  const started = performance.now()
  const { quality, logger } = libraryOptions
  const warnings = new WarningCounter(logger)
  const summary: QualitySummary = {
    analysed: 0,
    good: 0,
    bad: 0,
    audioSeconds: 0,
    warnings: 0,
    seconds: 0,
  }
  const c = soundColumns
  const query = db
    .from(c.table)
    .whereNot(c.name('type'), 'removed')
    .select(
      c.list(
        'id',
        'programId',
        'name',
        'path',
        'duration',
        'sampleRate',
        'channels',
        'bitrate',
        'codec'
      )
    )
  if (!options.recheck) query.whereNull(c.name('isGoodQuality'))
  if (options.programIds) query.whereIn(c.name('programId'), options.programIds)
  const sounds: MeasuredSound[] = await query.orderBy(c.name('path'))

  let done = 0
  const updates: Array<{ id: number; values: Record<string, unknown> }> = []
  const failed: Array<{ sound: MeasuredSound; reasons: string[] }> = []
  await eachLimit(sounds, libraryOptions.workers, async (sound) => {
    try {
      const wrongName = await mislabelled(sound.path)
      const decoded = await analyseFile(
        sound.path,
        sound.sample_rate || 48000,
        sound.channels || 2,
        {
          sampleLength: quality.sampleLength,
          silenceThreshold: quality.silenceThreshold,
          minSilence: quality.maxSilence,
        }
      )
      const { analysis } = decoded
      const reasons = qualityReasons(
        {
          ...decoded,
          duration: sound.duration,
          sampleRate: sound.sample_rate,
          bitrate: sound.bitrate,
          lossless: /^(PCM|FLAC)/i.test(sound.codec ?? ''),
          mislabelled: wrongName,
        },
        quality
      )
      if (reasons.length) {
        warnings.warn(`${sound.path}: not of good quality: ${reasons.join('; ')}`)
        failed.push({ sound, reasons })
      }
      updates.push({
        id: sound.id,
        values: c.row({
          duration: analysis?.duration ?? sound.duration,
          loudness: analysis?.loudness ?? null,
          truePeak: analysis?.truePeak ?? null,
          loudnessRange: analysis?.loudnessRange ?? null,
          rmsLevel: analysis?.rmsLevel ?? null,
          isGoodQuality: reasons.length === 0,
          qualityReasons: JSON.stringify(reasons),
        }),
      })
      summary.analysed++
      summary.audioSeconds += analysis?.duration ?? 0
      if (reasons.length) summary.bad++
      else summary.good++
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (!code || code === 'ERR_INVALID_ARG_TYPE') throw error
      warnings.warn(
        `${sound.path}: cannot read (${code}); ${code === 'ENOENT' ? 'the next scan marks it removed' : 'not measured'}`
      )
    } finally {
      libraryOptions.onProgress?.(++done, sounds.length)
    }
  })
  const updatedAt = c.row({ updatedAt: sqlDateTime(DateTime.utc()) })
  for (const batch of batches(updates, WRITE_BATCH)) {
    await db.transaction(async (trx) => {
      for (const { id, values } of batch)
        await trx
          .from(c.table)
          .where('id', id)
          .update({ ...values, ...updatedAt })
    })
  }
  if (updates.length) touchChangeStamp()
  if (failed.length) await announceFailures(failed)
  summary.warnings = warnings.count
  summary.seconds = (performance.now() - started) / 1000
  return summary
}

/** One `sound_quality_failed` event per sound, under its program's station. */
async function announceFailures(failed: Array<{ sound: MeasuredSound; reasons: string[] }>) {
  const [programId, programSlug] = programColumns.qualified('id', 'slug')
  const rows = await db
    .from(programColumns.table)
    .join(
      stationColumns.table,
      stationColumns.qualified('id')[0],
      programColumns.qualified('stationId')[0]
    )
    .whereIn(programId, [...new Set(failed.map((f) => f.sound.program_id))])
    .select(programId, programSlug, `${stationColumns.qualified('slug')[0]} as station`)
  const programs = new Map(rows.map((r) => [Number(r.id), r]))
  for (const { sound, reasons } of failed) {
    const program = programs.get(Number(sound.program_id))
    events.emit('sound_quality_failed', program?.station ?? null, {
      sound_id: sound.id,
      name: sound.name,
      path: sound.path,
      program: program?.slug ?? null,
      reasons,
    })
  }
}
