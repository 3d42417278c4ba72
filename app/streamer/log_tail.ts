/*
| Follows a log file that another process writes (Liquidsoap's own log): the
| new complete lines since the last read, from where the file was when
| following began. A file that shrank was rotated or truncated: read it
| again from its start. Read errors are not the reader's business: the
| writer plays on, and the next read tries again.
*/
import { open, stat } from 'node:fs/promises'

/** At most this much is read per call, so that a burst never stalls the loop. */
const MAX_READ = 256 * 1024

export class LogTail {
  readonly path: string
  #offset: number | null = null
  #partial = ''

  constructor(path: string) {
    this.path = path
  }

  /** Starts at the file's current end: what was written before is not new. */
  async begin(): Promise<void> {
    this.#offset = (await stat(this.path).catch(() => null))?.size ?? 0
    this.#partial = ''
  }

  /** The complete lines written since the last call. */
  async read(): Promise<string[]> {
    const info = await stat(this.path).catch(() => null)
    if (!info) return []
    if (this.#offset === null || info.size < this.#offset) {
      this.#offset = this.#offset === null ? info.size : 0
      this.#partial = ''
    }
    if (info.size === this.#offset) return []
    const length = Math.min(MAX_READ, info.size - this.#offset)
    const buffer = Buffer.alloc(length)
    let handle
    try {
      handle = await open(this.path, 'r')
      const { bytesRead } = await handle.read(buffer, 0, length, this.#offset)
      this.#offset += bytesRead
      const text = this.#partial + buffer.subarray(0, bytesRead).toString('utf8')
      const lines = text.split('\n')
      this.#partial = lines.pop() ?? ''
      return lines.filter((line) => line.length > 0)
    } catch {
      return []
    } finally {
      await handle?.close().catch(() => {})
    }
  }
}
