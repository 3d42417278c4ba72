/*
| The sound library (Aircox's sounds_monitor and sounds_quality_check): the
| entry point of commands, the watcher, the seeder and the CMS upload. Each
| use case lives in its own file: the scan in sound_scan.ts, the quality
| check in quality_check.ts.
*/
import type Program from '#models/program'
import type { Logger } from '#types/logger'
import { SoundScan, type ScanSummary } from '#library/sound_scan'
import { checkSoundQuality, type QualitySummary } from '#library/quality_check'
import { findProgramFolders, programDirOf } from '#library/scanned_folders'
import {
  WarningCounter,
  configuredLibraryOptions,
  type LibraryOptions,
} from '#library/library_options'

export type { LibraryOptions, QualitySummary, ScanSummary }

export class SoundLibrary {
  readonly #options: LibraryOptions

  constructor(options: LibraryOptions) {
    this.#options = options
  }

  /** The library of this install's folders and quality settings (config/antenne.ts). */
  static configured(
    logger: Logger,
    options: { workers?: number; onProgress?: LibraryOptions['onProgress'] } = {}
  ) {
    return new SoundLibrary(configuredLibraryOptions(logger, options))
  }

  /** Program folder → program; a folder claimed twice is warned about and kept by the first. */
  programFolders(): Promise<Map<string, Program>> {
    return findProgramFolders(new WarningCounter(this.#options.logger).warn)
  }

  /**
   * One pass over the program folders (all of them, or those of `programIds`).
   * Each bad file or folder gets one warning; the scan goes on.
   */
  scan(programIds?: number[], options: { settle?: number } = {}): Promise<ScanSummary> {
    return new SoundScan(this.#options).run(programIds, options)
  }

  /**
   * Loudness and quality of the sounds not measured yet (or of all, with
   * `recheck`): one decode each, `workers` at a time.
   */
  checkQuality(
    options: { recheck?: boolean; programIds?: number[] } = {}
  ): Promise<QualitySummary> {
    return checkSoundQuality(this.#options, options)
  }

  /** The program folder that holds `path`, if any (for the watcher). */
  static programDirOf(path: string, folders: Map<string, Program>): string | null {
    return programDirOf(path, folders)
  }
}
