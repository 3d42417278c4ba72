/*
| Recording a live show into its program's archives, so that its rerun has
| something to play with no one touching anything (Aircox airs a rerun from
| its initial's episode, which a live show leaves empty).
|
| While a live diffusion is on air and the source connected, Liquidsoap
| records the live input into a hidden part file; a source that drops and
| comes back gives a new part. Once the slot is over (its end plus the
| station's margin, when the host is cut), the parts take Aircox's names in
| the archives folder, `yyyymmdd_HHhMM_<program slug>.<ext>` then `_2`,
| `_3`…, which the library attaches to the diffusion's episode (the name's
| date and time), measures and checks; the dealer plays them in that order.
| They are renamed only then: a part the library took while the show runs
| would give the running diffusion an archive to play.
*/
import { basename, dirname, join } from 'node:path'
import { DateTime } from 'luxon'

/** The file name of a recording's part: Aircox's naming, the start in the station's zone. */
export function recordingName(
  start: number,
  zone: string,
  slug: string,
  part: number,
  extension: string
) {
  const local = DateTime.fromMillis(start, { zone }).toFormat("yyyyMMdd'_'HH'h'mm")
  return `${local}_${slug}${part > 1 ? `_${part}` : ''}.${extension}`
}

/** Where Liquidsoap writes a part until the slot is over: hidden, and no sound extension. */
export function partPath(finalPath: string) {
  return join(dirname(finalPath), `.${basename(finalPath)}.recording`)
}

/** The final path of a part file; null if it is not one. */
export function finalPathOf(part: string): string | null {
  const name = basename(part)
  const match = /^\.(.+)\.recording$/.exec(name)
  return match ? join(dirname(part), match[1]) : null
}

/** What the recorder must know of the diffusion on air. */
export interface RecordedDiffusion {
  id: number
  start: number
  end: number
  programSlug?: string
  soundsDir?: string
}

export type RecordingCommand =
  | { kind: 'record'; path: string; diffusionId: number }
  | { kind: 'stop_recording' }
  /** The slot is over: these part files take their final names. */
  | { kind: 'finalize'; parts: string[] }

export interface RecordingSettings {
  zone: string
  /** mp3, ogg, flac. */
  extension: string
  /** Seconds after the end at which the host is cut. */
  marginAfter: number
}

interface Current {
  diffusionId: number
  cutAt: number
  /** The final paths of its parts, in order. */
  parts: string[]
  diffusion: RecordedDiffusion
  /** When the slot was found over. */
  closingSince?: number
}

/** How long after a part's recording stops its name is given (the pipe drains meanwhile). */
export const FINALIZE_DELAY_MS = 2000

export class LiveRecordingRules {
  #current: Current | null = null

  get current() {
    return this.#current
  }

  /**
   * One tick: `live` (the source is connected and ready), `recording` (the
   * file Liquidsoap records into, or ''), the live diffusion on air if any.
   */
  decide(
    state: { live: boolean; recording: string },
    diffusion: RecordedDiffusion | null,
    settings: RecordingSettings,
    now: number
  ): RecordingCommand[] {
    const commands: RecordingCommand[] = []
    const current = this.#current
    // The slot is over, or another show is on: the parts are done, once
    // what the pipe still held has reached the last one.
    if (current && (now >= current.cutAt || (diffusion && diffusion.id !== current.diffusionId))) {
      current.closingSince ??= now
      if (state.recording) return [{ kind: 'stop_recording' }]
      if (now - current.closingSince < FINALIZE_DELAY_MS) return []
      commands.push({ kind: 'finalize', parts: current.parts.map(partPath) })
      this.#current = null
    }
    // Past its end, the show goes on until the host is cut.
    diffusion = diffusion ?? this.#current?.diffusion ?? null
    if (!diffusion?.soundsDir || !diffusion.programSlug) {
      if (state.recording) commands.push({ kind: 'stop_recording' })
      return commands
    }
    if (!this.#current) {
      this.#current = {
        diffusionId: diffusion.id,
        cutAt: diffusion.end + settings.marginAfter * 1000,
        parts: [],
        diffusion,
      }
      // A monitor restarted mid-show finds Liquidsoap recording part n: it goes on from there.
      const final = state.recording ? finalPathOf(state.recording) : null
      if (final) this.#current.parts = this.#partsUpTo(final, settings)
    }
    const mine = this.#current
    if (state.live && !state.recording && now < mine.cutAt) {
      const name = recordingName(
        diffusion.start,
        settings.zone,
        diffusion.programSlug,
        mine.parts.length + 1,
        settings.extension
      )
      const final = join(diffusion.soundsDir, 'archives', name)
      mine.parts.push(final)
      commands.push({ kind: 'record', path: partPath(final), diffusionId: diffusion.id })
    } else if (!state.live && state.recording) {
      commands.push({ kind: 'stop_recording' })
    }
    return commands
  }

  /** Liquidsoap did not take a part (unreachable, an older script): it is not counted. */
  recordFailed(path: string) {
    const parts = this.#current?.parts
    if (parts?.length && partPath(parts.at(-1)!) === path) parts.pop()
  }

  /** The parts before and including a final path Liquidsoap is writing. */
  #partsUpTo(final: string, settings: RecordingSettings): string[] {
    const diffusion = this.#current!.diffusion
    const parts: string[] = []
    for (let part = 1; part <= 99; part++) {
      const name = recordingName(
        diffusion.start,
        settings.zone,
        diffusion.programSlug!,
        part,
        settings.extension
      )
      const path = join(diffusion.soundsDir!, 'archives', name)
      parts.push(path)
      if (path === final) return parts
    }
    return [final]
  }
}
