/*
| Watch mode (Aircox's `sounds_monitor --monitor`, whose move and delete
| handlers crashed): file events mark program folders dirty, and each dirty
| folder gets the same incremental scan as `--scan`. A move is a delete then
| a create, which the fingerprint turns back into a move; a file modified
| within the settle time (an upload in progress) is read on a later pass.
*/
import { resolve } from 'node:path'
import chokidar, { type FSWatcher } from 'chokidar'
import { SoundLibrary, type LibraryLogger, type QualitySummary, type ScanSummary } from '#library/sound_library'

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
  logger: LibraryLogger
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
  #running: Promise<void> = Promise.resolve()
  #stopped = false

  constructor(library: SoundLibrary, options: WatcherOptions) {
    this.#library = library
    this.#options = options
  }

  /** A first full pass, then events. Resolves once watching. */
  async start() {
    await this.#pass(null)
    const folders = await this.#library.programFolders()
    const roots = [resolve(this.#options.programsDir), ...[...folders.keys()].filter((dir) => !dir.startsWith(resolve(this.#options.programsDir)))]
    this.#watcher = chokidar.watch(roots, {
      ignoreInitial: true,
      depth: 2,
      ignored: (path) => /(^|\/)\.[^/]+$/.test(path),
    })
    this.#watcher.on('all', (_event, path) => this.#touched(path))
    this.#watcher.on('error', (error) => this.#options.logger.warn(`watch: ${(error as Error).message}`))
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
      // One pass at a time; events during a pass make the next one.
      this.#running = this.#running.then(() => this.#passFor(full ? null : paths, programs))
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
      const scan = await this.#library.scan(programIds ?? undefined, { settle: this.#options.settle })
      if (scan.unsettled) this.#later(programIds)
      const quality = this.#options.checkQuality ? await this.#library.checkQuality({ programIds: programIds ?? undefined }) : null
      const changes = scan.added + scan.updated + scan.moved + scan.removed + scan.restored + scan.tracklists
      if (changes || quality?.analysed) {
        this.#options.logger.info(
          `library: ${scan.added} added, ${scan.updated} updated, ${scan.moved} moved, ${scan.removed} removed, ${scan.restored} restored` +
            (quality ? `; ${quality.analysed} analysed (${quality.bad} not good)` : '')
        )
      }
      this.#options.onPass?.(scan, quality)
    } catch (error) {
      // The database may be down for a moment: say so and keep watching; the next event or rescan retries.
      this.#options.logger.warn(`library pass failed: ${(error as Error).message}`)
      this.#full = true
    }
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

  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    if (this.#rescan) clearInterval(this.#rescan)
    for (const timer of this.#pending) clearTimeout(timer)
    await this.#watcher?.close()
    await this.#running
  }
}
