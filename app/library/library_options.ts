/*
| What the library's use cases (scan, quality check) share: where the
| folders are, how many files are read at a time, and who hears warnings.
*/
import antenneConfig from '#config/antenne'
import type { QualitySettings } from '#library/sound_quality'
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

/** This install's folders and quality settings (config/antenne.ts). */
export function configuredLibraryOptions(
  logger: Logger,
  options: { workers?: number; onProgress?: LibraryOptions['onProgress'] } = {}
): LibraryOptions {
  return {
    programsDir: antenneConfig.programsDir,
    coversDir: antenneConfig.library.coversDir,
    workers: options.workers ?? antenneConfig.library.workers,
    quality: antenneConfig.library.quality,
    logger,
    onProgress: options.onProgress,
  }
}

/** Counts the warnings of one pass (its summary reports them) as it logs them. */
export class WarningCounter {
  count = 0

  constructor(private readonly logger: Logger) {}

  warn = (message: string) => {
    this.count++
    this.logger.warn(message)
  }
}

/** Runs `work` on every item, `limit` at a time. */
export async function eachLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++])
  })
  await Promise.all(runners)
}

/**
 * Rows written per transaction: large enough to be quick, small enough not to
 * hold locks long. Each row is its own statement, so this is a choice of
 * transaction length, not a bound on a statement's parameters (those are
 * #models/batch_size's).
 */
export const WRITE_BATCH = 250
