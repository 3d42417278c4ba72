/*
| A scan of the program folders (Aircox's sounds_monitor): keeps the
| `sounds` table true to the files.
|
| A scan is incremental: a file whose path, size and mtime are unchanged is
| not read again, and a moved file keeps its row (and its episode, tracks and
| logs), found by its fingerprint. Files are only ever read: a missing file
| makes its row `removed`, and a file that comes back restores it.
*/
import { performance } from 'node:perf_hooks'
import { stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { soundColumns } from '#models/table_columns'
import { batches } from '#models/batch_size'
import { touchChangeStamp } from '#models/change_stamp'
import { events } from '#events/event_outbox'
import { SOUND_FOLDERS, parseSoundFileName } from '#library/sound_file_name'
import { WRITE_BATCH, WarningCounter, type LibraryOptions } from '#library/library_options'
import { findProgramFolders, warnStrayFolders } from '#library/scanned_folders'
import { listSoundFiles, type ListedFile } from '#library/sound_file_listing'
import { readSoundFiles, type FileContent } from '#library/sound_file_reading'
import { episodeOfSoundFile } from '#library/sound_episode'
import { addTrackFromTags, importTracklistBeside } from '#library/sound_tracklist'

export interface ScanSummary {
  files: number
  unchanged: number
  added: number
  updated: number
  moved: number
  removed: number
  restored: number
  tracklists: number
  /** Files still being written (changed within the settle time): left for a later pass. */
  unsettled: number
  warnings: number
  seconds: number
}

/** A row of `sounds` as the scan compares it. */
interface SoundRow {
  id: number
  program_id: number
  episode_id: number | null
  path: string
  type: string
  size: number | null
  mtime: unknown
  fingerprint: string | null
  tracklist_mtime: unknown
}

/** The columns of a `SoundRow`. */
const scanColumns = () =>
  soundColumns.list(
    'id',
    'programId',
    'episodeId',
    'path',
    'type',
    'size',
    'mtime',
    'fingerprint',
    'tracklistMtime'
  )

interface SeenFile extends ListedFile {
  row: SoundRow | null
}

type ReadFile = SeenFile & FileContent

/** Where the rows of moved files are looked for. */
interface MoveContext {
  missing: Map<string, SoundRow[]>
  programIds: number[]
}

const seconds = (ms: number) => Math.floor(ms / 1000)

function dateSeconds(value: unknown): number | null {
  const date = fromSqlDateTime(value)
  return date ? seconds(date.toMillis()) : null
}

function isUnchanged(file: SeenFile) {
  const row = file.row
  return (
    row !== null &&
    row.type === SOUND_FOLDERS[file.folder] &&
    row.program_id === file.program.id &&
    Number(row.size) === file.size &&
    dateSeconds(row.mtime) === seconds(file.mtime)
  )
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )

export class SoundScan {
  readonly #options: LibraryOptions
  readonly #warnings: WarningCounter
  readonly #warn: (message: string) => void
  readonly #summary: ScanSummary = {
    files: 0,
    unchanged: 0,
    added: 0,
    updated: 0,
    moved: 0,
    removed: 0,
    restored: 0,
    tracklists: 0,
    unsettled: 0,
    warnings: 0,
    seconds: 0,
  }

  constructor(options: LibraryOptions) {
    this.#options = options
    this.#warnings = new WarningCounter(options.logger)
    this.#warn = this.#warnings.warn
  }

  /**
   * One pass over the program folders (all of them, or those of `programIds`).
   * Each bad file or folder gets one warning; the scan goes on.
   */
  async run(programIds?: number[], options: { settle?: number } = {}): Promise<ScanSummary> {
    const started = performance.now()
    const summary = this.#summary
    const folders = await findProgramFolders(this.#warn)
    if (!programIds) await warnStrayFolders(this.#options.programsDir, folders, this.#warn)

    const targets = [...folders].filter(
      ([, program]) => !programIds || programIds.includes(program.id)
    )
    const listing = await listSoundFiles(targets, this.#warn)
    const files = listing.files as SeenFile[]
    summary.files = files.length

    const rows: SoundRow[] = await db
      .from(soundColumns.table)
      .whereIn(
        soundColumns.name('programId'),
        targets.map(([, program]) => program.id)
      )
      .select(scanColumns())
    const byPath = new Map<string, SoundRow>(rows.map((row) => [row.path, row]))
    for (const file of files) file.row = byPath.get(file.path) ?? null

    // A file modified less than `settle` ms ago may be an upload in progress: not read yet.
    const settledBefore = options.settle ? Date.now() - options.settle : Infinity
    const changed = files.filter((file) => !isUnchanged(file) && file.mtime <= settledBefore)
    summary.unsettled = files.filter(
      (file) => !isUnchanged(file) && file.mtime > settledBefore
    ).length
    const tracklistsOnly = files.filter(
      (file) =>
        isUnchanged(file) &&
        file.csv &&
        seconds(file.csv.mtime) !== dateSeconds(file.row!.tracklist_mtime)
    )
    summary.unchanged = files.length - changed.length - summary.unsettled

    const read = await readSoundFiles(changed, this.#options, this.#warn)
    const seen = new Set(files.map((file) => file.path))
    // Rows of these programs whose file was not seen, by fingerprint: where a moved file comes from.
    const missing = new Map<string, SoundRow[]>()
    for (const row of rows) {
      if (seen.has(row.path) || !row.fingerprint) continue
      missing.set(row.fingerprint, [...(missing.get(row.fingerprint) ?? []), row])
    }
    // Rows a file of this scan took over (moved): not missing, whatever their old path.
    const claimed = new Set<number>()
    const context = { missing, programIds: targets.map(([, program]) => program.id) }
    for (const batch of batches(read, WRITE_BATCH)) {
      await db.transaction(async (trx) => {
        for (const file of batch) claimed.add(await this.#apply(trx, file, context))
      })
    }
    await db.transaction(async (trx) => {
      for (const file of tracklistsOnly) await this.#importBeside(trx, file.row!.id, file.csv!)
      // Rows in a folder that was read, whose file is gone, are removed (never those of an unreadable folder).
      for (const row of rows) {
        if (
          row.type === 'removed' ||
          seen.has(row.path) ||
          claimed.has(row.id) ||
          !listing.readable.has(dirname(row.path))
        )
          continue
        if (await exists(row.path)) continue
        await trx
          .from(soundColumns.table)
          .where('id', row.id)
          .update(soundColumns.row({ type: 'removed', updatedAt: sqlDateTime(DateTime.utc()) }))
        summary.removed++
        this.#options.logger.info(`${row.path}: missing, marked removed`)
      }
    })

    const anyChange =
      summary.added +
        summary.updated +
        summary.moved +
        summary.removed +
        summary.restored +
        summary.tracklists >
      0
    if (anyChange) touchChangeStamp()
    summary.warnings = this.#warnings.count
    summary.seconds = (performance.now() - started) / 1000
    // Every full pass, and any pass that changed something or warned (watch mode rescans often).
    if (!programIds || anyChange || summary.warnings)
      events.emit('library_scan_finished', null, { ...summary, programs: programIds ?? 'all' })
    return summary
  }

  /** Creates, updates, moves or restores the row of one read file. */
  async #apply(trx: TransactionClientContract, file: ReadFile, context: MoveContext) {
    const summary = this.#summary
    const now = sqlDateTime(DateTime.utc())
    const parsed = parseSoundFileName(file.path)
    const m = file.metadata
    const values = soundColumns.row({
      programId: file.program.id,
      path: file.path,
      type: SOUND_FOLDERS[file.folder],
      size: file.size,
      mtime: sqlDateTime(DateTime.fromMillis(file.mtime)),
      fingerprint: file.fingerprint,
      duration: m?.duration ?? null,
      title: m?.title ?? null,
      artist: m?.artist ?? null,
      album: m?.album ?? null,
      year: m?.year ?? null,
      trackNumber: m?.trackNumber ?? null,
      cover: file.cover,
      codec: m?.codec ?? null,
      sampleRate: m?.sampleRate ?? null,
      bitrate: m?.bitrate ?? null,
      channels: m?.channels ?? null,
      // The file changed: what was measured no longer holds (Aircox resets is_good_quality too).
      isGoodQuality: null,
      qualityReasons: null,
      loudness: null,
      truePeak: null,
      loudnessRange: null,
      rmsLevel: null,
      updatedAt: now,
    })

    let row = file.row
    if (!row && file.fingerprint !== 'empty') {
      row = await this.#movedRow(trx, file.fingerprint, context)
      if (row) {
        summary.moved++
        this.#options.logger.info(`${row.path} → ${file.path}: moved, keeps sound ${row.id}`)
      }
    }
    let id: number
    if (row) {
      id = row.id
      if (row.path === file.path) {
        if (row.type === 'removed') summary.restored++
        else summary.updated++
      }
      await trx.from(soundColumns.table).where('id', id).update(values)
    } else {
      const [inserted] = await trx.table(soundColumns.table).insert({
        ...values,
        ...soundColumns.row({ name: parsed.name.slice(0, 255), isPublic: false, createdAt: now }),
      })
      id = Number(inserted)
      summary.added++
    }

    let episodeId = row?.episode_id ?? null
    if (!episodeId && parsed.date) {
      episodeId = await episodeOfSoundFile(file, parsed, trx, this.#warn)
      if (episodeId)
        await trx.from(soundColumns.table).where('id', id).update(soundColumns.row({ episodeId }))
    }

    if (file.csv) {
      if (!row || seconds(file.csv.mtime) !== dateSeconds(row.tracklist_mtime))
        await this.#importBeside(trx, id, file.csv)
    } else if (m?.title && !episodeId) {
      await addTrackFromTags(trx, id, { ...m, title: m.title }, now)
    }
    return id
  }

  /**
   * A row with this fingerprint whose file is gone: the file was moved (or
   * restored under another name). First among the scanned programs' unseen
   * rows, then among removed rows of other programs (a move between folders
   * that the watcher saw in two passes).
   */
  async #movedRow(
    trx: TransactionClientContract,
    fingerprint: string,
    context: MoveContext
  ): Promise<SoundRow | null> {
    const candidates = context.missing.get(fingerprint) ?? []
    while (candidates.length) {
      const candidate = candidates.shift()!
      if (candidate.type === 'removed' || !(await exists(candidate.path))) return candidate
    }
    const removed = await trx
      .from(soundColumns.table)
      .where(soundColumns.name('fingerprint'), fingerprint)
      .where(soundColumns.name('type'), 'removed')
      .whereNotIn(soundColumns.name('programId'), context.programIds)
      .select(scanColumns())
      .orderBy('id')
      .first()
    return removed ?? null
  }

  async #importBeside(
    trx: TransactionClientContract,
    soundId: number,
    csv: { path: string; mtime: number }
  ) {
    if (await importTracklistBeside(trx, soundId, csv, this.#warn)) this.#summary.tracklists++
  }
}
