/*
| The reply of `station.status`, the one round trip a monitor tick makes, and
| the pure arithmetic the monitor does with it.
*/
import { LiquidsoapCommandException } from '#exceptions/domain'

export interface OnAirStatus {
  /** When this Liquidsoap process started (ms): a new value means a restart. */
  started: number
  /** Liquidsoap's clock (ms). */
  now: number
  /** The fallback branch on air: dealer, live, music, or none (silence). */
  active: string
  /** The request on air: id within this process, Liquidsoap source, URI and file. */
  rid: string
  source: string
  uri: string
  filename: string
  /** When this request first went on air (ms), seen by the script itself; resumes keep it. */
  firstOnAir: number | null
  /** Antenne's annotations: the diffusion being played, and whether it is a resumed one. */
  diffusionId: number | null
  resumed: boolean
  remaining: number | null
  dealerQueue: number
  dealerGate: number
  live: boolean
  /** The user name of the live source's accepted login ('' when none). */
  liveUser: string
  /** The live source is connected but silent past the station's setting: it is off air. */
  liveSilent: boolean
  /** The file the live input is being recorded into ('' when none). */
  recording: string
  outputs: Record<string, boolean>
  /** Since when the output has been silent past the dead-air setting (ms), or 0. */
  blankSince: number
  /** Whether the rotation is still held after a start (the monitor releases it). */
  held: boolean
  /** Until when this node may keep its outputs on (ms; Infinity: it is the only node). */
  leaseUntil: number
}

function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : null
}

/** Parses the JSON status line; a reply that is not one is an error naming what came. */
export function parseStatus(body: string): OnAirStatus {
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(body)
  } catch {
    throw new LiquidsoapCommandException(
      `station.status did not answer JSON: ${body.slice(0, 120)}`
    )
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.started !== 'number') {
    throw new LiquidsoapCommandException(
      `station.status answered an unexpected object: ${body.slice(0, 120)}`
    )
  }
  const active = String(raw.active ?? 'none')
  const firstOnAir = num(raw.first_on_air)
  const outputs: Record<string, boolean> = {}
  if (Array.isArray(raw.outputs)) {
    for (const pair of raw.outputs)
      if (Array.isArray(pair)) outputs[String(pair[0])] = Boolean(pair[1])
  }
  return {
    started: Math.round((raw.started as number) * 1000),
    now: Math.round((num(raw.now) ?? 0) * 1000),
    active: active === 'dealer_gate' ? 'dealer' : active,
    rid: String(raw.rid ?? ''),
    source: String(raw.source ?? ''),
    uri: String(raw.uri ?? ''),
    filename: String(raw.filename ?? ''),
    firstOnAir: firstOnAir ? Math.round(firstOnAir * 1000) : null,
    diffusionId: num(raw.diffusion),
    resumed: raw.resumed === '1' || raw.resumed === 'true',
    remaining:
      num(raw.remaining) !== null && (raw.remaining as number) >= 0
        ? (raw.remaining as number)
        : null,
    dealerQueue: num(raw.dealer_queue) ?? 0,
    dealerGate: Math.round((num(raw.dealer_gate) ?? 0) * 1000),
    live: raw.live === true,
    liveUser: typeof raw.live_user === 'string' ? raw.live_user.slice(0, 190) : '',
    liveSilent: raw.live_silent === true,
    recording: typeof raw.recording === 'string' ? raw.recording : '',
    outputs,
    blankSince: Math.round((num(raw.blank_since) ?? 0) * 1000),
    held: raw.held === true,
    leaseUntil:
      num(raw.lease_until) === null || (raw.lease_until as number) < 0
        ? Infinity
        : Math.round((raw.lease_until as number) * 1000),
  }
}

/** The identity of an airing: a request id is only unique within one Liquidsoap process. */
export function airingKey(status: Pick<OnAirStatus, 'started' | 'rid'>): string {
  return `${status.started}:${status.rid}`
}

export interface TimedSound {
  path: string
  duration: number | null
}

export interface ResumePoint {
  /** Index of the sound to resume, and seconds into it. */
  index: number
  offset: number
}

/**
 * Where a diffusion stands `elapsed` seconds after it started, its sounds
 * played one after the other; null when it is over (or its length unknown
 * past the first sound).
 */
export function resumePoint(sounds: TimedSound[], elapsed: number): ResumePoint | null {
  let before = 0
  for (const [index, sound] of sounds.entries()) {
    if (sound.duration === null) return index === 0 ? { index, offset: Math.max(0, elapsed) } : null
    if (elapsed < before + sound.duration - 1)
      return { index, offset: Math.max(0, elapsed - before) }
    before += sound.duration
  }
  return null
}
