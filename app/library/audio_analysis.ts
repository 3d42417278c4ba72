/*
| One decode of a sound gives everything the library measures: EBU R128
| loudness (integrated, loudness range, true peak, after ITU-R BS.1770-4 and
| EBU Tech 3342), and what the quality check needs (RMS level of the whole
| file and of each sample, as Aircox's `sox stats` check did, long silences,
| clipped runs). ffmpeg decodes to raw float samples; this file does the
| arithmetic, so a file is decoded once instead of once per tool (loudgain,
| then sox, then ffmpeg for silences).
*/
import { spawn } from 'node:child_process'

/** 100 ms: the hop of momentary and short-term loudness, and the grain of silences. */
const SUB_BLOCK_SECONDS = 0.1

export interface AudioAnalysis {
  /** Seconds of audio decoded. */
  duration: number
  /** Integrated loudness, LUFS (null: all below the absolute gate, i.e. silence). */
  loudness: number | null
  /** Loudness range, LU. */
  loudnessRange: number | null
  /** True peak, dBTP (4× oversampled). */
  truePeak: number | null
  /** Sample peak, dBFS. */
  samplePeak: number | null
  /** RMS level of the whole file, dBFS (sox's "RMS lev dB"). */
  rmsLevel: number | null
  /** RMS level of each sample of `sampleLength` seconds, dBFS. */
  sampleRmsLevels: Array<{ at: number; level: number | null }>
  /** Silences longer than `minSilence`: start and length in seconds. */
  silences: Array<{ at: number; length: number }>
  /** Runs of 3 or more consecutive samples at full scale. */
  clippedRuns: number
}

export interface AnalysisSettings {
  /** Seconds per RMS sample (Aircox: 120). */
  sampleLength: number
  /** A 100 ms block under this RMS level (dBFS) is silent. */
  silenceThreshold: number
  /** Silences shorter than this (seconds) are not reported. */
  minSilence: number
}

const dB = (power: number) => (power > 0 ? 10 * Math.log10(power) : null)
const lufs = (meanSquare: number) => (meanSquare > 0 ? -0.691 + 10 * Math.log10(meanSquare) : null)
const round = (value: number | null, digits = 2) =>
  value === null ? null : Number(value.toFixed(digits))

/** K-weighting (pre-filter shelf, then RLB high-pass) for any sample rate, as libebur128 derives it. */
function kWeighting(rate: number) {
  let f0 = 1681.974450955533
  const G = 3.999843853973347
  let Q = 0.7071752369554196
  let K = Math.tan((Math.PI * f0) / rate)
  const Vh = 10 ** (G / 20)
  const Vb = Vh ** 0.4996667741545416
  let a0 = 1 + K / Q + K * K
  const shelf = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  }
  f0 = 38.13547087602444
  Q = 0.5003270373238773
  K = Math.tan((Math.PI * f0) / rate)
  a0 = 1 + K / Q + K * K
  const highPass = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  }
  return { shelf, highPass }
}

/** Taps of a 12-tap windowed-sinc interpolator at the fractions 1/4, 2/4, 3/4 between two samples. */
const TRUE_PEAK_TAPS = 12
const TRUE_PEAK_PHASES = [0.25, 0.5, 0.75].map((fraction) => {
  const taps = new Float64Array(TRUE_PEAK_TAPS)
  let sum = 0
  for (let i = 0; i < TRUE_PEAK_TAPS; i++) {
    // Sample offsets -5..6 around the interval's left sample.
    const u = fraction - (i - 5)
    const sinc = Math.sin(Math.PI * u) / (Math.PI * u)
    const window = 0.5 * (1 + Math.cos((Math.PI * u) / 6))
    taps[i] = sinc * window
    sum += taps[i]
  }
  for (let i = 0; i < TRUE_PEAK_TAPS; i++) taps[i] /= sum
  return taps
})

/** Per-channel filter state and the last samples, carried from one chunk to the next. */
class ChannelState {
  // Biquad states (direct form I).
  x1 = 0
  x2 = 0
  y1 = 0
  y2 = 0
  u1 = 0
  u2 = 0
  z1 = 0
  z2 = 0
  /** The last TRUE_PEAK_TAPS - 1 samples, for interpolating across chunk ends. */
  tail = new Float32Array(TRUE_PEAK_TAPS - 1)
  /** Consecutive full-scale samples so far, negative at -1. */
  fullScaleRun = 0
}

/**
 * Accumulates the measures over interleaved float samples, chunk by chunk
 * (pure: the decoder feeds it; tests feed it synthetic signals).
 */
export class AudioAnalyzer {
  readonly #rate: number
  readonly #channels: number
  readonly #settings: AnalysisSettings
  readonly #filters: ReturnType<typeof kWeighting>
  readonly #state: ChannelState[]
  readonly #subBlockLength: number
  /** Per 100 ms sub-block: K-weighted and plain sums of squares over all channels (the last may be partial). */
  readonly #weighted: number[] = []
  readonly #plain: number[] = []
  #frames = 0
  #samplePeak = 0
  #truePeak = 0
  #clippedRuns = 0

  constructor(rate: number, channels: number, settings: AnalysisSettings) {
    this.#rate = rate
    this.#channels = channels
    this.#settings = settings
    this.#filters = kWeighting(rate)
    this.#state = Array.from({ length: channels }, () => new ChannelState())
    this.#subBlockLength = Math.round(rate * SUB_BLOCK_SECONDS)
  }

  /** Interleaved samples; a chunk holds whole frames. */
  feed(samples: Float32Array) {
    const channels = this.#channels
    const frames = Math.floor(samples.length / channels)
    const history = TRUE_PEAK_TAPS - 1
    const signal = new Float32Array(history + frames)
    for (let c = 0; c < channels; c++) {
      const st = this.#state[c]
      signal.set(st.tail)
      for (let f = 0, i = c; f < frames; f++, i += channels) signal[history + f] = samples[i]
      this.#measureChannel(signal, history, st)
      this.#truePeakOf(signal)
      st.tail = signal.slice(signal.length - history)
    }
    this.#frames += frames
  }

  /** Filters and sums one channel's new samples (signal[from..]) into the shared 100 ms sub-blocks. */
  #measureChannel(signal: Float32Array, from: number, st: ChannelState) {
    const { shelf: s, highPass: h } = this.#filters
    const length = this.#subBlockLength
    const weightedSums = this.#weighted
    const plainSums = this.#plain
    let block = Math.floor(this.#frames / length)
    let inBlock = this.#frames % length
    let { x1, x2, y1, y2, u1, u2, z1, z2, fullScaleRun } = st
    let weighted = 0
    let plain = 0
    let peak = this.#samplePeak
    let clipped = this.#clippedRuns
    for (let n = from; n < signal.length; n++) {
      const x = signal[n]
      const y = s.b0 * x + s.b1 * x1 + s.b2 * x2 - s.a1 * y1 - s.a2 * y2
      x2 = x1
      x1 = x
      y2 = y1
      y1 = y
      const z = y - 2 * u1 + u2 - h.a1 * z1 - h.a2 * z2
      u2 = u1
      u1 = y
      z2 = z1
      z1 = z
      weighted += z * z
      plain += x * x
      const magnitude = x < 0 ? -x : x
      if (magnitude > peak) peak = magnitude
      // A run is flat at +1 or at -1 (signed count): a square wave has two per period.
      if (x >= 0.9999) fullScaleRun = fullScaleRun > 0 ? fullScaleRun + 1 : 1
      else if (x <= -0.9999) fullScaleRun = fullScaleRun < 0 ? fullScaleRun - 1 : -1
      else fullScaleRun = 0
      if (fullScaleRun === 3 || fullScaleRun === -3) clipped++
      if (++inBlock === length) {
        weightedSums[block] = (weightedSums[block] ?? 0) + weighted
        plainSums[block] = (plainSums[block] ?? 0) + plain
        weighted = 0
        plain = 0
        inBlock = 0
        block++
      }
    }
    if (inBlock > 0) {
      weightedSums[block] = (weightedSums[block] ?? 0) + weighted
      plainSums[block] = (plainSums[block] ?? 0) + plain
    }
    Object.assign(st, { x1, x2, y1, y2, u1, u2, z1, z2, fullScaleRun })
    this.#samplePeak = peak
    this.#clippedRuns = clipped
  }

  /**
   * Interpolates only where the true peak can be: between a sample that is a
   * local maximum of |x| (at least half the peak so far) and its larger
   * neighbour. An inter-sample peak of band-limited audio sits on a hump of
   * its samples, within a few dB of them.
   */
  #truePeakOf(signal: Float32Array) {
    const [t1, t2, t3] = TRUE_PEAK_PHASES
    let peak = this.#truePeak
    let half = peak * 0.5
    // The interval between signal[n] and signal[n + 1] uses signal[n - 5 .. n + 6].
    let previous = Math.abs(signal[4] ?? 0)
    let current = Math.abs(signal[5] ?? 0)
    for (let n = 5; n + 7 < signal.length; n++) {
      const next = signal[n + 1] < 0 ? -signal[n + 1] : signal[n + 1]
      if (current > peak) {
        peak = current
        half = peak * 0.5
      }
      if (current >= half && current >= previous && current >= next) {
        // The hump's top lies between its top sample and the larger neighbour.
        const left = next >= previous ? n : n - 1
        {
          let p1 = 0
          let p2 = 0
          let p3 = 0
          for (let i = 0, k = left - 5; i < TRUE_PEAK_TAPS; i++, k++) {
            const v = signal[k]
            p1 += t1[i] * v
            p2 += t2[i] * v
            p3 += t3[i] * v
          }
          const m = Math.max(p1 < 0 ? -p1 : p1, p2 < 0 ? -p2 : p2, p3 < 0 ? -p3 : p3)
          if (m > peak) {
            peak = m
            half = peak * 0.5
          }
        }
      }
      previous = current
      current = next
    }
    this.#truePeak = peak
  }

  result(): AudioAnalysis {
    // A last partial sub-block counts for levels, not for gated loudness.
    const plain = this.#plain
    const weighted = this.#weighted.slice(0, Math.floor(this.#frames / this.#subBlockLength))
    const perSubBlock = this.#subBlockLength * this.#channels
    const duration = this.#frames / this.#rate

    const totalPlain = plain.reduce((sum, v) => sum + v, 0)
    const samples = this.#frames * this.#channels
    const rmsLevel = samples ? dB(totalPlain / samples) : null

    const sampleBlocks = Math.round(this.#settings.sampleLength / SUB_BLOCK_SECONDS)
    const sampleRmsLevels: AudioAnalysis['sampleRmsLevels'] = []
    for (let start = 0; start < plain.length; start += sampleBlocks) {
      const window = plain.slice(start, start + sampleBlocks)
      // A trailing sample shorter than half the length (a fade-out) is not judged on its own.
      if (start > 0 && window.length < sampleBlocks / 2) break
      const sum = window.reduce((total, v) => total + v, 0)
      sampleRmsLevels.push({
        at: round(start * SUB_BLOCK_SECONDS, 1)!,
        level: round(dB(sum / (window.length * perSubBlock))),
      })
    }

    const silences: AudioAnalysis['silences'] = []
    const threshold = 10 ** (this.#settings.silenceThreshold / 10) * perSubBlock
    let silentFrom = -1
    for (let i = 0; i <= plain.length; i++) {
      const silent = i < plain.length && plain[i] < threshold
      if (silent && silentFrom < 0) silentFrom = i
      if (!silent && silentFrom >= 0) {
        const length = (i - silentFrom) * SUB_BLOCK_SECONDS
        if (length >= this.#settings.minSilence)
          silences.push({
            at: round(silentFrom * SUB_BLOCK_SECONDS, 1)!,
            length: round(length, 1)!,
          })
        silentFrom = -1
      }
    }

    return {
      duration: round(duration, 3)!,
      loudness: round(this.#integrated(weighted)),
      loudnessRange: round(this.#loudnessRange(weighted)),
      truePeak: round(this.#truePeak > 0 ? 20 * Math.log10(this.#truePeak) : null),
      samplePeak: round(this.#samplePeak > 0 ? 20 * Math.log10(this.#samplePeak) : null),
      rmsLevel: round(rmsLevel),
      sampleRmsLevels,
      silences,
      clippedRuns: this.#clippedRuns,
    }
  }

  /** Mean squares of blocks of `length` sub-blocks, every sub-block (75% overlap for 400 ms). */
  #blocks(weighted: number[], length: number) {
    const frames = length * this.#subBlockLength
    const blocks: number[] = []
    let sum = 0
    for (let i = 0; i < weighted.length; i++) {
      sum += weighted[i]
      if (i >= length) sum -= weighted[i - length]
      if (i >= length - 1) blocks.push(Math.max(sum, 0) / frames)
    }
    return blocks
  }

  /** BS.1770-4: 400 ms blocks, gated at -70 LUFS, then 10 LU under their mean. */
  #integrated(weighted: number[]) {
    const blocks = this.#blocks(weighted, 4).filter((z) => (lufs(z) ?? -Infinity) > -70)
    if (!blocks.length) return null
    const relative = lufs(blocks.reduce((a, b) => a + b, 0) / blocks.length)! - 10
    const gated = blocks.filter((z) => lufs(z)! > relative)
    return lufs(gated.reduce((a, b) => a + b, 0) / gated.length)
  }

  /** Tech 3342: 3 s blocks, gated at -70 LUFS then 20 LU under their mean; the 10th to 95th percentile. */
  #loudnessRange(weighted: number[]) {
    const blocks = this.#blocks(weighted, 30).filter((z) => (lufs(z) ?? -Infinity) > -70)
    if (!blocks.length) return null
    const relative = lufs(blocks.reduce((a, b) => a + b, 0) / blocks.length)! - 20
    const levels = blocks
      .map((z) => lufs(z)!)
      .filter((l) => l > relative)
      .sort((a, b) => a - b)
    const percentile = (p: number) =>
      levels[Math.min(levels.length - 1, Math.round((p / 100) * (levels.length - 1)))]
    return percentile(95) - percentile(10)
  }
}

export interface DecodedAnalysis {
  analysis: AudioAnalysis | null
  /** What ffmpeg said went wrong while decoding (deduplicated), empty when clean. */
  decodeErrors: string[]
}

/**
 * Decodes `path` with ffmpeg (at most two channels, at its own rate) and
 * analyses it. A file ffmpeg cannot open gives `analysis: null` and its error.
 */
export function analyseFile(
  path: string,
  rate: number,
  channels: number,
  settings: AnalysisSettings
): Promise<DecodedAnalysis> {
  const outChannels = Math.min(Math.max(channels, 1), 2)
  return new Promise((resolve, reject) => {
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-v',
        'error',
        '-i',
        path,
        '-vn',
        '-ac',
        String(outChannels),
        '-ar',
        String(rate),
        '-f',
        'f32le',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    const analyzer = new AudioAnalyzer(rate, outChannels, settings)
    const frameBytes = 4 * outChannels
    let carry = Buffer.alloc(0)
    let stderr = ''
    ffmpeg.stdout.on('data', (chunk: Buffer) => {
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk
      const usable = data.length - (data.length % frameBytes)
      let samples: Float32Array
      if (data.byteOffset % 4 === 0) {
        samples = new Float32Array(data.buffer, data.byteOffset, usable / 4)
      } else {
        // A Buffer's offset in its pool may not be a multiple of 4: copy into an aligned one.
        samples = new Float32Array(usable / 4)
        Buffer.from(samples.buffer).set(data.subarray(0, usable))
      }
      analyzer.feed(samples)
      carry = Buffer.from(data.subarray(usable))
    })
    ffmpeg.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 10_000) stderr += chunk.toString()
    })
    ffmpeg.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('ffmpeg is not installed: run bin/install-deps (or apt-get install ffmpeg)')
          : error
      )
    )
    ffmpeg.on('close', (code) => {
      const decodeErrors = [
        ...new Set(
          stderr
            .split('\n')
            .map((line) => line.replace(/^\[[^\]]+\]\s*/, '').trim())
            .filter(Boolean)
        ),
      ]
      const analysis = analyzer.result()
      if (code !== 0 || analysis.duration === 0) {
        resolve({
          analysis: null,
          decodeErrors: decodeErrors.length ? decodeErrors : [`ffmpeg exited with code ${code}`],
        })
      } else {
        resolve({ analysis, decodeErrors })
      }
    })
  })
}
