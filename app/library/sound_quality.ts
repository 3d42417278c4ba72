/*
| The quality verdict on a sound, in words a scheduler can act on. Aircox's
| check (the RMS level of the whole file and of each sample in a range, from
| `sox stats`) plus what it never looked at: long silences, clipping, a low
| sample rate or bitrate, decode errors, a truncated or mislabelled file.
*/
import type { AudioAnalysis } from '#library/audio_analysis'

export interface QualitySettings {
  rmsRange: [number, number]
  sampleLength: number
  silenceThreshold: number
  maxSilence: number
  maxClippedRuns: number
  minSampleRate: number
  minBitrate: number
}

export interface QualityInput {
  analysis: AudioAnalysis | null
  decodeErrors: string[]
  /** From the tags and headers (the duration the header announces). */
  duration: number | null
  sampleRate: number | null
  bitrate: number | null
  lossless: boolean
  /** Set when the content is not what the extension says. */
  mislabelled: string | null
}

/** m:ss or h:mm:ss. */
export function clock(seconds: number): string {
  const s = Math.floor(seconds)
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
  const [h, m, sec] = hms
  const pad = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`
}

function levelReason(where: string, level: number | null, [min, max]: [number, number]) {
  if (level === null) return `${where}: silent`
  if (level < min) return `${where}: RMS level ${level.toFixed(1)} dB, under ${min} dB`
  if (level > max) return `${where}: RMS level ${level.toFixed(1)} dB, over ${max} dB`
  return null
}

/** The reasons a sound is not of good quality; empty when it is. */
export function qualityReasons(input: QualityInput, settings: QualitySettings): string[] {
  const reasons: string[] = []
  const { analysis } = input
  if (input.mislabelled) reasons.push(input.mislabelled)
  if (!analysis) {
    reasons.push(`cannot decode: ${input.decodeErrors[0] ?? 'no audio'}`)
    return reasons
  }
  if (input.decodeErrors.length) {
    const more = input.decodeErrors.length > 1 ? ` (and ${input.decodeErrors.length - 1} more)` : ''
    reasons.push(`decode errors: ${input.decodeErrors[0]}${more}`)
  }
  if (
    input.duration !== null &&
    input.duration - analysis.duration > Math.max(2, input.duration * 0.02)
  ) {
    reasons.push(
      `truncated: ${clock(analysis.duration)} of audio, the header says ${clock(input.duration)}`
    )
  }
  const whole = levelReason('whole file', analysis.rmsLevel, settings.rmsRange)
  if (whole) reasons.push(whole)
  // Samples only when there are several, and only the first few failures (one line each).
  if (analysis.sampleRmsLevels.length > 1) {
    const failing = analysis.sampleRmsLevels
      .map(({ at, level }) => levelReason(`sample at ${clock(at)}`, level, settings.rmsRange))
      .filter((reason): reason is string => reason !== null)
    reasons.push(...failing.slice(0, 3))
    if (failing.length > 3) reasons.push(`and ${failing.length - 3} more samples out of range`)
  }
  for (const silence of analysis.silences
    .filter((s) => s.length >= settings.maxSilence)
    .slice(0, 3)) {
    reasons.push(`silence of ${silence.length.toFixed(1)} s at ${clock(silence.at)}`)
  }
  if (analysis.clippedRuns > settings.maxClippedRuns)
    reasons.push(`clipping: ${analysis.clippedRuns} runs of full-scale samples`)
  if (input.sampleRate !== null && input.sampleRate < settings.minSampleRate) {
    reasons.push(`sample rate ${input.sampleRate} Hz, under ${settings.minSampleRate} Hz`)
  }
  if (!input.lossless && input.bitrate !== null && input.bitrate < settings.minBitrate * 1000) {
    reasons.push(
      `bitrate ${Math.round(input.bitrate / 1000)} kbit/s, under ${settings.minBitrate} kbit/s`
    )
  }
  return reasons
}
