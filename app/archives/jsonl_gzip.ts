/*
| Gzipped JSON lines: written through a temporary file and a rename (a
| reader never sees half a file), read line by line without loading it all.
*/
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createGunzip, createGzip } from 'node:zlib'
import { createInterface } from 'node:readline'
import { once } from 'node:events'
import { DateTime } from 'luxon'
import { sqlDateTime } from '#models/columns'

/** A database value as portable text: Dates (MariaDB's DATETIME) become Antenne's UTC form. */
export function portable(value: unknown): unknown {
  if (value instanceof Date) return sqlDateTime(DateTime.fromJSDate(value, { zone: 'utc' }))
  if (typeof value === 'bigint') return Number(value)
  return value
}

/**
 * Backups and archives hold the whole database (password hashes, Icecast
 * passwords) or its logs: only the owner reads them (issue 12, #4), whatever
 * the umask of the process that writes them.
 */
export const ARCHIVE_FILE_MODE = 0o600
export const ARCHIVE_FOLDER_MODE = 0o750

export class JsonlGzipWriter {
  readonly #temporary: string
  readonly #gzip = createGzip({ level: 6 })
  readonly #out
  #done: Promise<unknown>

  constructor(readonly path: string) {
    this.#temporary = `${path}.${process.pid}.partial`
    this.#out = createWriteStream(this.#temporary, { mode: ARCHIVE_FILE_MODE })
    this.#gzip.pipe(this.#out)
    this.#done = once(this.#out, 'close')
  }

  static async create(path: string) {
    await mkdir(dirname(path), { recursive: true, mode: ARCHIVE_FOLDER_MODE })
    return new JsonlGzipWriter(path)
  }

  async write(value: unknown) {
    if (!this.#gzip.write(JSON.stringify(value) + '\n')) await once(this.#gzip, 'drain')
  }

  /** Flushes, syncs to disk and renames into place. */
  async close() {
    this.#gzip.end()
    await this.#done
    const handle = await open(this.#temporary, 'r')
    // A partial file left by an earlier run kept its old mode when reopened.
    await handle.chmod(ARCHIVE_FILE_MODE)
    await handle.sync()
    await handle.close()
    await rename(this.#temporary, this.path)
  }

  async abort() {
    this.#gzip.destroy()
    this.#out.destroy()
    await rm(this.#temporary, { force: true })
  }
}

/** Each line of a gzipped JSON lines file, parsed; a bad line names its number. */
export async function* readJsonlGzip(path: string): AsyncGenerator<Record<string, any>> {
  const lines = createInterface({
    input: createReadStream(path).pipe(createGunzip()),
    crlfDelay: Infinity,
  })
  let number = 0
  for await (const line of lines) {
    number++
    if (!line.trim()) continue
    try {
      yield JSON.parse(line)
    } catch {
      throw new Error(`${path}: line ${number} is not JSON`)
    }
  }
}
