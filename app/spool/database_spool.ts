/*
| A local spool in front of a database table, for writers that must not wait
| on the database nor fail with it (the monitor's on-air logs, the events
| outbox). Its rules:
| - order: entries reach the database in the order they were given, a new
|   entry always behind any waiting one;
| - nothing lost, nothing twice: a batch is committed in one transaction and
|   the spool is emptied only after commit;
| - set aside what the database refuses: after a refused batch, entries are
|   written one at a time and each refused one goes to `<spool>.rejected`
|   with the reason, so that one bad entry is not retried for ever;
| - a spool file left by a process that died is adopted (`adopt`) and
|   replayed by the next one;
| - a spool file that cannot be written (a full disk) keeps its entries in
|   memory, in order and up to a bound, until the database or the disk is back.
| The spool knows nothing of what an entry is: the caller gives `commit`
| (how entries go into the database) and the lines it logs (`say`).
*/
import { appendFile, mkdir, readFile, rename, rm, stat, truncate } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { isUnavailable } from '#spool/database_unavailable'

/** What the spool tells its owner, who words it for its own log. */
export interface SpoolVoice<T> {
  /** The database went away (once per outage); `reason` is the error's first line. */
  databaseDown(reason: string): void
  /** The database is back after `awayMs`; `written` entries were written on return. */
  databaseBack(awayMs: number, written: number): void
  /** The spool file cannot be written (once until it can again): entries wait in memory. */
  diskFailed(message: string): void
  /** The spool file can be written again. */
  diskBack(): void
  /** Memory was full: the `dropped` oldest entries are lost. */
  memoryFull(dropped: number): void
  /** The database refused `entry`; kept in `rejectedPath`, or not when `keepError` is set. */
  refused(reason: string, entry: T, rejectedPath: string, keepError: Error | null): void
  /** A line of the spool could not be parsed (cut by a crash mid-append). */
  unreadableLine?(): void
}

export interface SpoolOptions<T> {
  /** Writes entries into the database, all or none (one transaction). */
  commit: (entries: T[]) => Promise<void>
  say: SpoolVoice<T>
  /** Entries kept in memory at most while neither the database nor the disk takes them. */
  memoryLimit?: number
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

/** Appends to a file, making its folder first if it is missing (a spool folder not made yet). */
async function appendMaking(path: string, text: string) {
  try {
    await appendFile(path, text, { mode: 0o640 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await mkdir(dirname(path), { recursive: true })
    await appendFile(path, text, { mode: 0o640 })
  }
}

export class DatabaseSpool<T> {
  readonly path: string
  readonly rejectedPath: string
  readonly #commit: (entries: T[]) => Promise<void>
  readonly #say: SpoolVoice<T>
  readonly #memoryLimit: number
  #down = false
  #downSince = 0
  /** Entries the spool file could not take (they come after those in the file). */
  #memory: T[] = []
  #diskProblem: string | null = null

  constructor(path: string, options: SpoolOptions<T>) {
    this.path = path
    this.rejectedPath = `${path}.rejected`
    this.#commit = options.commit
    this.#say = options.say
    this.#memoryLimit = options.memoryLimit ?? 100_000
  }

  get databaseDown(): boolean {
    return this.#down
  }

  /** Entries wait, in the file or in memory. */
  hasBacklog(): boolean {
    return this.#memory.length > 0 || existsSync(this.path)
  }

  /** How many entries wait in memory (the spool file could not take them). */
  get inMemory(): number {
    return this.#memory.length
  }

  /** Writes entries in order, behind any backlog; spools them when the database is away. */
  async write(entries: T[]): Promise<void> {
    if (!entries.length) return
    if (this.hasBacklog()) {
      await this.#append(entries)
      await this.flush()
      return
    }
    try {
      await this.#commit(entries)
      this.#markUp(entries.length)
    } catch (error) {
      if (!isUnavailable(error)) return this.#writeOneByOne(entries)
      this.#markDown(error)
      await this.#append(entries)
    }
  }

  /** Replays the spool; returns true when it is empty afterwards. */
  async flush(): Promise<boolean> {
    if (!this.hasBacklog()) return true
    const memory = this.#memory.length
    const entries = [...(await this.#read(this.path)), ...this.#memory.slice(0, memory)]
    try {
      await this.#commit(entries)
    } catch (error) {
      if (isUnavailable(error)) {
        this.#markDown(error)
        return false
      }
      await this.#forget(memory)
      await this.#writeOneByOne(entries)
      this.#markUp(entries.length)
      return !this.hasBacklog()
    }
    await this.#forget(memory)
    this.#markUp(entries.length)
    return true
  }

  /**
   * Takes over the spool file of a process that died: its entries join this
   * spool (behind what waits already) and are written at the next flush.
   * False when another process claimed it first.
   */
  async adopt(orphanPath: string): Promise<boolean> {
    const claimed = `${orphanPath}.${process.pid}.claim`
    try {
      await rename(orphanPath, claimed)
    } catch {
      return false
    }
    const entries = await this.#read(claimed)
    if (entries.length) await this.#append(entries)
    await rm(claimed, { force: true })
    return true
  }

  /** Bytes in the spool file. */
  async size(): Promise<number> {
    try {
      const file = await stat(this.path)
      return file.size
    } catch {
      return 0
    }
  }

  async #read(path: string): Promise<T[]> {
    const text = await readFile(path, 'utf8').catch(() => '')
    const entries: T[] = []
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      try {
        entries.push(JSON.parse(line))
      } catch {
        // A line cut by a crash mid-append: the entry was never acknowledged.
        this.#say.unreadableLine?.()
      }
    }
    return entries
  }

  /**
   * A batch the database refused (a row pointing at a sound deleted meanwhile,
   * say): the good entries are written, the bad ones set aside with the reason.
   * If the database goes away meanwhile, the rest is spooled, still in order.
   */
  async #writeOneByOne(entries: T[]) {
    for (const [index, entry] of entries.entries()) {
      try {
        await this.#commit([entry])
      } catch (error) {
        if (isUnavailable(error)) {
          this.#markDown(error)
          await this.#append(entries.slice(index))
          return
        }
        await this.#setAside(entry, firstLine(error))
      }
    }
  }

  async #setAside(entry: T, reason: string) {
    let keepError: Error | null = null
    try {
      await appendMaking(this.rejectedPath, JSON.stringify({ ...entry, reason }) + '\n')
    } catch (error) {
      keepError = error as Error
    }
    this.#say.refused(reason, entry, this.rejectedPath, keepError)
  }

  /** The spool file, and the first `memory` entries kept in memory, are in the database now. */
  async #forget(memory: number) {
    this.#memory.splice(0, memory)
    // Not `force` alone: it still throws when the folder is a file (ENOTDIR).
    if (existsSync(this.path)) await rm(this.path, { force: true })
  }

  async #append(entries: T[]) {
    // Behind entries already in memory, or they would be replayed out of order.
    if (this.#memory.length === 0) {
      const file = await stat(this.path).catch(() => null)
      const size = file?.size ?? 0
      try {
        await appendMaking(this.path, entries.map((entry) => JSON.stringify(entry) + '\n').join(''))
        if (this.#diskProblem) this.#say.diskBack()
        this.#diskProblem = null
        return
      } catch (error) {
        // A write cut short leaves no half batch behind: the whole batch goes to memory.
        await truncate(this.path, size).catch(() => {})
        const message = (error as Error).message
        if (this.#diskProblem === null) this.#say.diskFailed(message)
        this.#diskProblem = message
      }
    }
    this.#memory.push(...entries)
    if (this.#memory.length > this.#memoryLimit) {
      const dropped = this.#memory.splice(0, this.#memory.length - this.#memoryLimit)
      this.#say.memoryFull(dropped.length)
    }
  }

  /** Said once when the database goes away... */
  #markDown(error: unknown) {
    if (!this.#down) {
      this.#say.databaseDown(firstLine(error))
      this.#downSince = Date.now()
    }
    this.#down = true
  }

  /** ...and once when it is back, with what was written. */
  #markUp(written: number) {
    if (!this.#down) return
    this.#down = false
    this.#say.databaseBack(Date.now() - this.#downSince, written)
  }
}
