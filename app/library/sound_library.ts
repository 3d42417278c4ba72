/*
| The sound library (Aircox's sounds_monitor and sounds_quality_check):
| keeps the `sounds` table true to the program folders, and measures what
| the streamer needs (loudness) and what a scheduler must know (quality).
|
| A scan is incremental: a file whose path, size and mtime are unchanged is
| not read again, and a moved file keeps its row (and its episode, tracks and
| logs), found by its fingerprint. Files are only ever read: a missing file
| makes its row `removed`, and a file that comes back restores it.
*/
import { performance } from 'node:perf_hooks'
import { open, readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve, sep } from 'node:path'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import antenneConfig from '#config/antenne'
import Program from '#models/program'
import Diffusion from '#models/diffusion'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { events } from '#events/event_outbox'
import { touchChangeStamp } from '#models/change_stamp'
import { analyseFile } from '#library/audio_analysis'
import { qualityReasons, type QualitySettings } from '#library/sound_quality'
import {
  SOUND_FOLDERS,
  isSoundFile,
  parseSoundFileName,
  type SoundFolder,
} from '#library/sound_file_name'
import {
  extensionMatches,
  fingerprintFile,
  readSoundMetadata,
  saveCover,
  sniffFormat,
  type SoundMetadata,
} from '#library/sound_metadata'
import { parseTracklistCsv } from '#library/tracklist_csv'
import { replaceTracklist } from '#library/tracklist_import'
import type { Logger } from '#types/logger'

export interface LibraryOptions {
  programsDir: string
  coversDir: string
  workers: number
  quality: QualitySettings
  logger: Logger
  /** Called as files are read or analysed (for a progress bar). */
  onProgress?: (done: number, total: number) => void
}

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

export interface QualitySummary {
  analysed: number
  good: number
  bad: number
  /** Seconds of audio analysed. */
  audioSeconds: number
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

interface SeenFile {
  path: string
  program: Program
  folder: SoundFolder
  size: number
  mtime: number
  /** The CSV tracklist beside it, and its mtime. */
  csv: { path: string; mtime: number } | null
  row: SoundRow | null
}

/** Where the rows of moved files are looked for. */
interface MoveContext {
  missing: Map<string, SoundRow[]>
  programIds: number[]
}

interface ReadFile extends SeenFile {
  fingerprint: string
  metadata: SoundMetadata | null
  cover: string | null
}

/** Runs `work` on every item, `limit` at a time. */
async function eachLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++])
  })
  await Promise.all(runners)
}

const seconds = (ms: number) => Math.floor(ms / 1000)
const BATCH = 250

export class SoundLibrary {
  readonly #options: LibraryOptions
  #warnings = 0

  constructor(options: LibraryOptions) {
    this.#options = options
  }

  /** The library of this install's folders and quality settings (config/antenne.ts). */
  static configured(
    logger: Logger,
    options: { workers?: number; onProgress?: LibraryOptions['onProgress'] } = {}
  ) {
    return new SoundLibrary({
      programsDir: antenneConfig.programsDir,
      coversDir: antenneConfig.library.coversDir,
      workers: options.workers ?? antenneConfig.library.workers,
      quality: antenneConfig.library.quality,
      logger,
      onProgress: options.onProgress,
    })
  }

  #warn(message: string) {
    this.#warnings++
    this.#options.logger.warn(message)
  }

  /** Program folder → program; a folder claimed twice is warned about and kept by the first. */
  async programFolders(): Promise<Map<string, Program>> {
    const programs = await Program.query().preload('station').orderBy('id')
    const folders = new Map<string, Program>()
    for (const program of programs) {
      const dir = resolve(program.soundsDir)
      const owner = folders.get(dir)
      if (owner) {
        this.#warn(
          `${dir}: claimed by programs "${owner.slug}" (station ${owner.station.slug}) and "${program.slug}" (station ${program.station.slug}); only the first is scanned`
        )
        continue
      }
      folders.set(dir, program)
    }
    return folders
  }

  /**
   * One pass over the program folders (all of them, or those of `programIds`).
   * Each bad file or folder gets one warning; the scan goes on.
   */
  async scan(programIds?: number[], options: { settle?: number } = {}): Promise<ScanSummary> {
    const started = performance.now()
    this.#warnings = 0
    const summary: ScanSummary = {
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
    const folders = await this.programFolders()
    if (!programIds) await this.#warnStrayFolders(folders)

    const targets = [...folders].filter(
      ([, program]) => !programIds || programIds.includes(program.id)
    )
    const { files, readable } = await this.#list(targets)
    summary.files = files.length

    const rows = await db
      .from('sounds')
      .whereIn(
        'program_id',
        targets.map(([, program]) => program.id)
      )
      .select(
        'id',
        'program_id',
        'episode_id',
        'path',
        'type',
        'size',
        'mtime',
        'fingerprint',
        'tracklist_mtime'
      )
    const byPath = new Map<string, SoundRow>(rows.map((row: SoundRow) => [row.path, row]))
    for (const file of files) file.row = byPath.get(file.path) ?? null

    // A file modified less than `settle` ms ago may be an upload in progress: not read yet.
    const settledBefore = options.settle ? Date.now() - options.settle : Infinity
    const changed = files.filter((file) => !this.#unchanged(file) && file.mtime <= settledBefore)
    summary.unsettled = files.filter(
      (file) => !this.#unchanged(file) && file.mtime > settledBefore
    ).length
    const tracklistsOnly = files.filter(
      (file) =>
        this.#unchanged(file) &&
        file.csv &&
        seconds(file.csv.mtime) !== this.#ms(file.row!.tracklist_mtime)
    )
    summary.unchanged = files.length - changed.length - summary.unsettled

    const read = await this.#read(changed)
    const seen = new Set(files.map((file) => file.path))
    // Rows of these programs whose file was not seen, by fingerprint: where a moved file comes from.
    const missing = new Map<string, SoundRow[]>()
    for (const row of rows as SoundRow[]) {
      if (seen.has(row.path) || !row.fingerprint) continue
      missing.set(row.fingerprint, [...(missing.get(row.fingerprint) ?? []), row])
    }
    // Rows a file of this scan took over (moved): not missing, whatever their old path.
    const claimed = new Set<number>()
    const context = { missing, programIds: targets.map(([, program]) => program.id) }
    for (let i = 0; i < read.length; i += BATCH) {
      await db.transaction(async (trx) => {
        for (const file of read.slice(i, i + BATCH))
          claimed.add(await this.#apply(trx, file, context, summary))
      })
    }
    await db.transaction(async (trx) => {
      for (const file of tracklistsOnly)
        await this.#importBeside(trx, file.row!.id, file.csv!, summary)
      // Rows in a folder that was read, whose file is gone, are removed (never those of an unreadable folder).
      for (const row of rows as SoundRow[]) {
        if (
          row.type === 'removed' ||
          seen.has(row.path) ||
          claimed.has(row.id) ||
          !readable.has(dirname(row.path))
        )
          continue
        const stillThere = await stat(row.path).then(
          () => true,
          () => false
        )
        if (stillThere) continue
        await trx
          .from('sounds')
          .where('id', row.id)
          .update({ type: 'removed', updated_at: sqlDateTime(DateTime.utc()) })
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
    summary.warnings = this.#warnings
    summary.seconds = (performance.now() - started) / 1000
    // Every full pass, and any pass that changed something or warned (watch mode rescans often).
    if (!programIds || anyChange || summary.warnings)
      events.emit('library_scan_finished', null, { ...summary, programs: programIds ?? 'all' })
    return summary
  }

  /** Folders in the programs folder that belong to no program ("names that match nothing"). */
  async #warnStrayFolders(folders: Map<string, Program>) {
    const root = resolve(this.#options.programsDir)
    const entries = await readdir(root, { withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT')
          this.#warn(`${root}: cannot read the programs folder (${error.code})`)
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
        this.#warn(`${dir}: no program has this folder (slug "${entry.name}"); not scanned`)
        continue
      }
      for (const inner of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (
          inner.isDirectory() &&
          !inner.name.startsWith('.') &&
          !folders.has(join(dir, inner.name))
        ) {
          this.#warn(
            `${join(dir, inner.name)}: no program of this station has this folder (slug "${inner.name}"); not scanned`
          )
        }
      }
    }
  }

  /** The sound files of the targets' archives and excerpts folders, with their stat. */
  async #list(targets: Array<[string, Program]>) {
    const files: SeenFile[] = []
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
              else
                this.#warn(
                  `${dir}: cannot read the folder (${code}); its sounds are left as they are`
                )
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
                    csvPath && csvInfo
                      ? { path: csvPath, mtime: Math.floor(csvInfo.mtimeMs) }
                      : null,
                  row: null,
                })
              } catch (error) {
                this.#warn(`${path}: cannot stat (${(error as NodeJS.ErrnoException).code})`)
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

  #ms(value: unknown): number | null {
    const date = fromSqlDateTime(value)
    return date ? seconds(date.toMillis()) : null
  }

  #unchanged(file: SeenFile) {
    const row = file.row
    return (
      row !== null &&
      row.type === SOUND_FOLDERS[file.folder] &&
      row.program_id === file.program.id &&
      Number(row.size) === file.size &&
      this.#ms(row.mtime) === seconds(file.mtime)
    )
  }

  /** Fingerprint, tags and cover of each changed file, `workers` at a time. */
  async #read(files: SeenFile[]): Promise<ReadFile[]> {
    const read: ReadFile[] = []
    let done = 0
    await eachLimit(files, this.#options.workers * 4, async (file) => {
      try {
        if (file.size === 0) {
          this.#warn(`${file.path}: empty file (0 bytes)`)
          read.push({ ...file, fingerprint: 'empty', metadata: null, cover: null })
          return
        }
        const { fingerprint, head } = await fingerprintFile(file.path, file.size)
        const format = sniffFormat(head)
        if (!format) this.#warn(`${file.path}: not a known audio format`)
        else if (!extensionMatches(file.path, format))
          this.#warn(`${file.path}: mislabelled, the content is ${format}`)
        let metadata: SoundMetadata | null = null
        let cover: string | null = null
        if (format) {
          try {
            metadata = await readSoundMetadata(file.path, file.size, format)
            if (metadata.picture) cover = await saveCover(this.#options.coversDir, metadata.picture)
          } catch (error) {
            this.#warn(`${file.path}: unreadable tags (${(error as Error).message})`)
          }
        }
        read.push({ ...file, fingerprint, metadata, cover })
      } catch (error) {
        this.#warn(
          `${file.path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`
        )
      } finally {
        this.#options.onProgress?.(++done, files.length)
      }
    })
    return read.sort((a, b) => (a.path < b.path ? -1 : 1))
  }

  /** Creates, updates, moves or restores the row of one read file. */
  async #apply(
    trx: TransactionClientContract,
    file: ReadFile,
    context: MoveContext,
    summary: ScanSummary
  ): Promise<number> {
    const now = sqlDateTime(DateTime.utc())
    const parsed = parseSoundFileName(file.path)
    const m = file.metadata
    const values = {
      program_id: file.program.id,
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
      track_number: m?.trackNumber ?? null,
      cover: file.cover,
      codec: m?.codec ?? null,
      sample_rate: m?.sampleRate ?? null,
      bitrate: m?.bitrate ?? null,
      channels: m?.channels ?? null,
      // The file changed: what was measured no longer holds (Aircox resets is_good_quality too).
      is_good_quality: null,
      quality_reasons: null,
      loudness: null,
      true_peak: null,
      loudness_range: null,
      rms_level: null,
      updated_at: now,
    }

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
      await trx.from('sounds').where('id', id).update(values)
    } else {
      const [inserted] = await trx
        .table('sounds')
        .insert({ ...values, name: parsed.name.slice(0, 255), is_public: false, created_at: now })
      id = Number(inserted)
      summary.added++
    }

    let episodeId = row?.episode_id ?? null
    if (!episodeId && parsed.date) {
      episodeId = await this.#episodeOf(file, parsed, trx)
      if (episodeId) await trx.from('sounds').where('id', id).update({ episode_id: episodeId })
    }

    if (file.csv) {
      if (!row || seconds(file.csv.mtime) !== this.#ms(row.tracklist_mtime))
        await this.#importBeside(trx, id, file.csv, summary)
    } else if (m?.title && !episodeId) {
      // No CSV, no episode (a song of a rotation): its tags give its one track,
      // at 0 s so that the on-air log names it. An episode's archive has the episode's tracklist.
      const tracks = await trx.from('tracks').where('sound_id', id).count('* as total')
      if (Number(tracks[0].total) === 0) {
        await trx.table('tracks').insert({
          sound_id: id,
          position: 0,
          timestamp: 0,
          title: m.title,
          artist: m.artist,
          album: m.album,
          info: m.year ? String(m.year) : null,
          created_at: now,
          updated_at: now,
        })
      }
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
      if (
        candidate.type === 'removed' ||
        !(await stat(candidate.path).then(
          () => true,
          () => false
        ))
      )
        return candidate
    }
    const removed = await trx
      .from('sounds')
      .where('fingerprint', fingerprint)
      .where('type', 'removed')
      .whereNotIn('program_id', context.programIds)
      .select(
        'id',
        'program_id',
        'episode_id',
        'path',
        'type',
        'size',
        'mtime',
        'fingerprint',
        'tracklist_mtime'
      )
      .orderBy('id')
      .first()
    return removed ?? null
  }

  /** The episode of the program's diffusion at the name's date (and time), in the station's zone (Aircox's find_episode). */
  async #episodeOf(
    file: ReadFile,
    parsed: ReturnType<typeof parseSoundFileName>,
    trx: TransactionClientContract
  ) {
    const zone = file.program.station.timezone
    const { year, month, day } = parsed.date!
    const query = Diffusion.query({ client: trx })
      .where('program_id', file.program.id)
      .orderByRaw('initial_id IS NULL DESC')
    let when: string
    if (parsed.time) {
      const at = DateTime.fromObject(
        { year, month, day, hour: parsed.time.hour, minute: parsed.time.minute },
        { zone }
      )
      when = at.toFormat("yyyy-MM-dd 'at' HH:mm")
      query.withScopes((s) => s.now(at.plus({ seconds: 1 })))
    } else {
      const date = DateTime.fromObject({ year, month, day }, { zone })
      when = date.toFormat('yyyy-MM-dd')
      if (!date.isValid) {
        this.#warn(`${file.path}: ${year}-${month}-${day} is not a date; kept without episode`)
        return null
      }
      query.withScopes((s) => s.date(date.toISODate()!, zone))
    }
    const diffusion = await query.first()
    if (!diffusion)
      this.#warn(
        `${file.path}: no diffusion of "${file.program.slug}" on ${when}; kept without episode`
      )
    return diffusion?.episodeId ?? null
  }

  /** Imports the CSV beside a sound; a malformed one gets a warning and leaves the tracklist as it was. */
  async #importBeside(
    trx: TransactionClientContract,
    soundId: number,
    csv: { path: string; mtime: number },
    summary: ScanSummary
  ) {
    try {
      const rows = parseTracklistCsv(await readFile(csv.path, 'utf8'))
      await replaceTracklist(trx, { soundId }, rows)
      summary.tracklists++
    } catch (error) {
      this.#warn(`${csv.path}: ${(error as Error).message}; tracklist not imported`)
    }
    // Remembered even when malformed, so that the warning comes once per change of the file.
    await trx
      .from('sounds')
      .where('id', soundId)
      .update({ tracklist_mtime: sqlDateTime(DateTime.fromMillis(csv.mtime)) })
  }

  /**
   * Loudness and quality of the sounds not measured yet (or of all, with
   * `recheck`): one decode each, `workers` at a time.
   */
  async checkQuality(
    options: { recheck?: boolean; programIds?: number[] } = {}
  ): Promise<QualitySummary> {
    const started = performance.now()
    this.#warnings = 0
    const summary: QualitySummary = {
      analysed: 0,
      good: 0,
      bad: 0,
      audioSeconds: 0,
      warnings: 0,
      seconds: 0,
    }
    const query = db
      .from('sounds')
      .whereNot('type', 'removed')
      .select(
        'id',
        'program_id',
        'name',
        'path',
        'duration',
        'sample_rate',
        'channels',
        'bitrate',
        'codec'
      )
    if (!options.recheck) query.whereNull('is_good_quality')
    if (options.programIds) query.whereIn('program_id', options.programIds)
    const sounds = await query.orderBy('path')

    let done = 0
    const updates: Array<{ id: number; values: Record<string, unknown> }> = []
    const failed: Array<{
      sound: { id: number; program_id: number; name: string; path: string }
      reasons: string[]
    }> = []
    await eachLimit(sounds, this.#options.workers, async (sound) => {
      try {
        const mislabelled = await this.#mislabelled(sound.path)
        const decoded = await analyseFile(
          sound.path,
          sound.sample_rate || 48000,
          sound.channels || 2,
          {
            sampleLength: this.#options.quality.sampleLength,
            silenceThreshold: this.#options.quality.silenceThreshold,
            minSilence: this.#options.quality.maxSilence,
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
            mislabelled,
          },
          this.#options.quality
        )
        if (reasons.length) {
          this.#warn(`${sound.path}: not of good quality: ${reasons.join('; ')}`)
          failed.push({ sound, reasons })
        }
        updates.push({
          id: sound.id,
          values: {
            duration: analysis?.duration ?? sound.duration,
            loudness: analysis?.loudness ?? null,
            true_peak: analysis?.truePeak ?? null,
            loudness_range: analysis?.loudnessRange ?? null,
            rms_level: analysis?.rmsLevel ?? null,
            is_good_quality: reasons.length === 0,
            quality_reasons: JSON.stringify(reasons),
          },
        })
        summary.analysed++
        summary.audioSeconds += analysis?.duration ?? 0
        if (reasons.length) summary.bad++
        else summary.good++
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (!code || code === 'ERR_INVALID_ARG_TYPE') throw error
        this.#warn(
          `${sound.path}: cannot read (${code}); ${code === 'ENOENT' ? 'the next scan marks it removed' : 'not measured'}`
        )
      } finally {
        this.#options.onProgress?.(++done, sounds.length)
      }
    })
    const now = sqlDateTime(DateTime.utc())
    for (let i = 0; i < updates.length; i += BATCH) {
      await db.transaction(async (trx) => {
        for (const { id, values } of updates.slice(i, i + BATCH))
          await trx
            .from('sounds')
            .where('id', id)
            .update({ ...values, updated_at: now })
      })
    }
    if (updates.length) touchChangeStamp()
    if (failed.length) {
      const rows = await db
        .from('programs')
        .join('stations', 'stations.id', 'programs.station_id')
        .whereIn('programs.id', [...new Set(failed.map((f) => f.sound.program_id))])
        .select('programs.id', 'programs.slug', 'stations.slug as station')
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
    summary.warnings = this.#warnings
    summary.seconds = (performance.now() - started) / 1000
    return summary
  }

  /** "mislabelled: …" when the first bytes say another format than the extension. Throws ENOENT for a missing file. */
  async #mislabelled(path: string): Promise<string | null> {
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

  /** The program folder that holds `path`, if any (for the watcher). */
  static programDirOf(path: string, folders: Map<string, Program>): string | null {
    for (const dir of folders.keys()) if (path === dir || path.startsWith(dir + sep)) return dir
    return null
  }
}
