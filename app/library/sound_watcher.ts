/*
| Watch mode (Aircox's `sounds_monitor --monitor`, whose move and delete
| handlers crashed): file events mark program folders dirty, and each dirty
| folder gets the same incremental scan as `--scan`. A move is a delete then
| a create, which the fingerprint turns back into a move; a file modified
| within the settle time (an upload in progress) is read on a later pass.
*/
import { resolve } from 'node:path'
import chokidar, { type FSWatcher } from 'chokidar'
import { SoundLibrary, type QualitySummary, type ScanSummary } from '#library/sound_library'
import { DatabaseOutage } from '#health/database_outage'
import type { Logger } from '#types/logger'

/** ms between passes while the database is away: its return is noticed, and the changes meanwhile scanned, within seconds. */
const OUTAGE_RETRY = 2000

export interface WatcherOptions {
  programsDir: string
  /** ms a file must stay unmodified before it is read (an upload is finished). */
  settle: number
  /** ms between full rescans, for events a watcher can miss. */
  rescanInterval: number
  /** Also measure new and changed sounds. */
  checkQuality: boolean
  /** ms to gather events into one pass. */
  debounce?: number
  logger: Logger
  /** After each pass (tests wait on it). */
  onPass?: (scan: ScanSummary, quality: QualitySummary | null) => void
}

export class SoundWatcher {
  readonly #library: SoundLibrary
  readonly #options: WatcherOptions
  #watcher: FSWatcher | null = null
  #dirty = new Set<string>()
  #dirtyPrograms = new Set<number>()
  #pending = new Set<NodeJS.Timeout>()
  #full = false
  #timer: NodeJS.Timeout | null = null
  #rescan: NodeJS.Timeout | null = null
  #retry: NodeJS.Timeout | null = null
  #running: Promise<void> = Promise.resolve()
  #stopped = false
  readonly #outage: DatabaseOutage

  constructor(library: SoundLibrary, options: WatcherOptions) {
    this.#library = library
    this.#options = options
    this.#outage = new DatabaseOutage('library', options.logger)
  }

  /** A first full pass, then events. Resolves once watching. */
  async start() {
    await this.#pass(null)
    const folders = await this.#library.programFolders()
    const roots = [
      resolve(this.#options.programsDir),
      ...[...folders.keys()].filter((dir) => !dir.startsWith(resolve(this.#options.programsDir))),
    ]
    this.#watcher = chokidar.watch(roots, {
      ignoreInitial: true,
      depth: 3,
      ignored: (path) => /(^|\/)\.[^/]+$/.test(path),
    })
    this.#watcher.on('all', (_event, path) => this.#touched(path))
    this.#watcher.on('error', (error) =>
      this.#options.logger.warn(`watch: ${(error as Error).message}`)
    )
    await new Promise<void>((ready) => this.#watcher!.once('ready', () => ready()))
    this.#rescan = setInterval(() => {
      this.#full = true
      this.#schedule()
    }, this.#options.rescanInterval)
    this.#options.logger.info(`watching ${roots.join(', ')}`)
  }

  #touched(path: string) {
    this.#dirty.add(path)
    this.#schedule()
  }

  #schedule() {
    if (this.#timer || this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      const paths = [...this.#dirty]
      const programs = [...this.#dirtyPrograms]
      const full = this.#full
      this.#dirty.clear()
      this.#dirtyPrograms.clear()
      this.#full = false
      // One pass at a time; events during a pass make the next one. A pass that fails
      // (even before it scans: the program folders come from the database) leaves the chain going.
      this.#running = this.#running
        .then(() => this.#passFor(full ? null : paths, programs))
        .catch((error) => this.#failed(error))
    }, this.#options.debounce ?? 300)
  }

  /** Scans the programs whose folders hold `paths` (all programs when null or when a path is outside every program). */
  async #passFor(paths: string[] | null, programIds: number[]) {
    if (paths === null) return this.#pass(null)
    const folders = await this.#library.programFolders()
    const ids = new Set<number>(programIds)
    for (const path of paths) {
      const dir = SoundLibrary.programDirOf(resolve(path), folders)
      if (dir) ids.add(folders.get(dir)!.id)
    }
    if (ids.size) await this.#pass([...ids])
  }

  async #pass(programIds: number[] | null) {
    if (this.#stopped) return
    try {
      const scan = await this.#library.scan(programIds ?? undefined, {
        settle: this.#options.settle,
      })
      if (scan.unsettled) this.#later(programIds)
      const quality = this.#options.checkQuality
        ? await this.#library.checkQuality({ programIds: programIds ?? undefined })
        : null
      const changes =
        scan.added + scan.updated + scan.moved + scan.removed + scan.restored + scan.tracklists
      this.#outage.reached(`${changes} change(s) written by the first pass`)
      if (changes || quality?.analysed) {
        this.#options.logger.info(
          `library: ${scan.added} added, ${scan.updated} updated, ${scan.moved} moved, ${scan.removed} removed, ${scan.restored} restored` +
            (quality ? `; ${quality.analysed} analysed (${quality.bad} not good)` : '')
        )
      }
      this.#options.onPass?.(scan, quality)
    } catch (error) {
      this.#failed(error)
    }
  }

  /** Keeps watching; the next pass is a full one. A database outage is said once and retried soon;
   * any other failure is said each time (the next event or rescan retries). */
  #failed(error: unknown) {
    this.#full = true
    if (this.#outage.failed(error)) this.#retryLater()
    else this.#options.logger.warn(`library pass failed: ${(error as Error).message}`)
  }

  /** Another pass once uploads in progress may have settled. */
  #later(programIds: number[] | null) {
    const timer = setTimeout(() => {
      this.#pending.delete(timer)
      if (programIds === null) this.#full = true
      else for (const id of programIds) this.#dirtyPrograms.add(id)
      this.#schedule()
    }, this.#options.settle + 50)
    this.#pending.add(timer)
  }

  /** One full pass in OUTAGE_RETRY ms, however many passes failed meanwhile. */
  #retryLater() {
    if (this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = null
      this.#full = true
      this.#schedule()
    }, OUTAGE_RETRY)
  }

  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    if (this.#rescan) clearInterval(this.#rescan)
    if (this.#retry) clearTimeout(this.#retry)
    for (const timer of this.#pending) clearTimeout(timer)
    await this.#watcher?.close()
    await this.#running
  }
}
