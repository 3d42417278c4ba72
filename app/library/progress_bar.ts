/*
| A progress line for long scans: count, rate and ETA, redrawn in place on
| a terminal, printed every 5 s otherwise (logs under systemd stay readable).
*/
import { clock } from '#library/sound_quality'

export class ProgressBar {
  readonly #label: string
  readonly #unit: string
  readonly #stream: NodeJS.WriteStream
  readonly #started = Date.now()
  #lastDraw = 0
  #drawn = false

  constructor(label: string, unit = 'files', stream: NodeJS.WriteStream = process.stderr) {
    this.#label = label
    this.#unit = unit
    this.#stream = stream
  }

  update(done: number, total: number) {
    const now = Date.now()
    const interval = this.#stream.isTTY ? 100 : 5000
    if (done < total && now - this.#lastDraw < interval) return
    this.#lastDraw = now
    const elapsed = (now - this.#started) / 1000
    const rate = elapsed > 0 ? done / elapsed : 0
    const eta = rate > 0 ? clock((total - done) / rate) : '?'
    const share = total ? done / total : 1
    const text = `${this.#label} ${done}/${total} ${this.#unit}, ${rate.toFixed(0)}/s, ETA ${eta}`
    if (this.#stream.isTTY) {
      const width = 24
      const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '-')
      this.#stream.write(`\r[${bar}] ${text}\x1b[K`)
      this.#drawn = true
    } else {
      this.#stream.write(`${text}\n`)
    }
  }

  /** Ends the line on a terminal. */
  finish() {
    if (this.#drawn) this.#stream.write('\n')
    this.#drawn = false
  }
}
