/*
| What a listener hears, for the benches that fault the stream: an mp3
| stream decoded as it comes (ffmpeg, 8 kHz mono, 10 ms blocks), its
| silences (every sample of a block under -72 dBFS) with where they start,
| and the stream position at each wall-clock instant, so that a fault at an
| instant maps to the gap heard after it.
*/
import { spawn } from 'node:child_process'

export const RATE = 8000
const BLOCK = 80
const SILENT = 8

export class SilenceMeter {
  samples = 0
  readonly silences: Array<{ at: number; ms: number }> = []
  readonly #positions: Array<{ wall: number; sample: number }> = []
  #silentRun = 0
  #carry = Buffer.alloc(0)
  readonly #decoder = spawn('ffmpeg', [
    ...['-nostdin', '-loglevel', 'quiet', '-f', 'mp3', '-i', 'pipe:0'],
    ...['-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'],
  ])
  readonly #track = setInterval(
    () => this.#positions.push({ wall: Date.now(), sample: this.samples }),
    50
  )

  /** @param minGapMs a silence shorter than this is a track boundary, not a gap */
  constructor(readonly minGapMs = 50) {
    this.#decoder.stdout.on('data', (chunk: Buffer) => this.#read(chunk))
  }

  /** The stream's bytes, as the listener receives them. */
  write(chunk: Buffer) {
    this.#decoder.stdin.write(chunk)
  }

  #read(chunk: Buffer) {
    this.#carry = Buffer.concat([this.#carry, chunk])
    const blocks = Math.floor(this.#carry.length / (BLOCK * 2))
    for (let b = 0; b < blocks; b++) {
      let peak = 0
      for (let i = 0; i < BLOCK; i++)
        peak = Math.max(peak, Math.abs(this.#carry.readInt16LE((b * BLOCK + i) * 2)))
      this.samples += BLOCK
      if (peak < SILENT) this.#silentRun += BLOCK
      else {
        if ((this.#silentRun / RATE) * 1000 >= this.minGapMs)
          this.silences.push({
            at: this.samples - this.#silentRun - BLOCK,
            ms: (this.#silentRun / RATE) * 1000,
          })
        this.#silentRun = 0
      }
    }
    this.#carry = this.#carry.subarray(blocks * BLOCK * 2)
  }

  /** The stream position (in samples) heard at a wall-clock instant. */
  sampleAt(wall: number) {
    return this.#positions.find((p) => p.wall >= wall)?.sample ?? this.samples
  }

  /** The longest silence heard from `before` s before a fault at `wall` to `within` s after. */
  gapAfter(wall: number, before = 1, within = 10) {
    const from = this.sampleAt(wall) - before * RATE
    return Math.max(
      0,
      ...this.silences.filter((s) => s.at >= from && s.at <= from + within * RATE).map((s) => s.ms)
    )
  }

  stop() {
    clearInterval(this.#track)
    this.#decoder.kill()
  }
}
