/*
| The monitor's rules (Aircox's trace_sound, trace_tracks, handle_diffusions,
| start_diff, cancel_diff), without I/O: from what Liquidsoap says, what the
| catalog knows, the clock and what the monitor remembers, they decide the
| log entries, the events and the Liquidsoap commands of a tick. The monitor
| (station_monitor.ts) asks, executes and writes; these decide.
|
| A tick is three steps, because the cue's outcome (Liquidsoap may refuse a
| file) decides what is logged and whether a diffusion is cancelled:
|   observe   the sound and tracks on air, a diffusion that started, a new
|             Liquidsoap process (resume, release), the next cue;
|   settle    the outcome of each queue command;
|   conclude  late and cancelled diffusions, live, outputs and silence.
|
| Airings are keyed by Liquidsoap's process start and request id, so that a
| resumed playlist track is not a new airing; the last airing found in the
| logs at start-up is not logged again (a monitor restart or an adoption).
|
| A diffusion has one `start` and one `stop` (Aircox had the type and never
| wrote it): the stop when it really ended, so that the log says what ran
| and for how long. Only what this monitor saw on air is stopped; the
| catalog's stoppedAt (from the logs) keeps a restarted monitor from a second.
*/
import type { EventType } from '#events/event_types'
import type { JournalEntry, LogRow } from '#streamer/log_journal'
import { airingKey, resumePoint, type OnAirStatus } from '#streamer/on_air_status'
import type { CatalogDiffusion, CatalogSound, CatalogTrack } from '#streamer/station_catalog'

/** What the rules read of the catalog, and the two changes they make to it. */
export interface CatalogView {
  diffusions: CatalogDiffusion[]
  sounds: Map<string, CatalogSound>
  diffusion(id: number): CatalogDiffusion | undefined
  diffusionOfEpisodeAt(episodeId: number, at: number): CatalogDiffusion | undefined
  running(at: number): CatalogDiffusion[]
  forget(id: number): void
}

export interface RuleSettings {
  cancelTimeoutMs: number
  cueLeadMs: number
  stationId: number
}

/** A diffusion not on air this long after its start is reported late (once). */
export const LATE_AFTER_MS = 60_000
/** A diffusion that started this much after its start is reported late too. */
export const LATE_START_MS = 5_000
/** A cue Liquidsoap refused entirely is tried again after this long. */
export const CUE_RETRY_MS = 30_000

export type MonitorCommand =
  /** Set the dealer gate, push the sounds (annotated with the diffusion, `first`'s keys on the first one). */
  | {
      kind: 'queue'
      purpose: 'cue' | 'resume'
      diffusionId: number
      sounds: CatalogSound[]
      gate: number
      /** What players show while it plays (a mix's tracks follow, as `title` commands). */
      title: string
      first: Record<string, string | number>
      /** For a resume: which of the diffusion's sounds, and how far into it (s). */
      resumeAt?: { index: number; offset: number }
    }
  /** Let the held rotation on air (after a start). */
  | { kind: 'release' }
  /** The airing was logged by an earlier monitor: drop the tracks already logged since `since`. */
  | { kind: 'drop_logged_tracks'; since: number }
  /** Rewrite the playlists from the database (dead air may be a damaged one). */
  | { kind: 'repair_playlists' }
  /** Put a title on the stream: what players show (ICY, Vorbis comments). */
  | { kind: 'title'; title: string; artist: string | null }

export interface MonitorEvent {
  type: EventType
  at: number
  payload: Record<string, unknown>
}

export interface Note {
  level: 'info' | 'warn' | 'error'
  message: string
}

export interface Outcome {
  entries: JournalEntry[]
  events: MonitorEvent[]
  commands: MonitorCommand[]
  notes: Note[]
}

export function emptyOutcome(): Outcome {
  return { entries: [], events: [], commands: [], notes: [] }
}

interface Airing {
  key: string
  /** Timestamped tracks not logged yet, in order. */
  pending: Array<{ track: CatalogTrack; at: number }>
  sound?: CatalogSound | null
  /** Logged by an earlier monitor: its tracks wait until the logs say which are in already. */
  awaitingLogs?: boolean
}

/** What the events of a diffusion say of it. */
export function facts(diffusion: CatalogDiffusion) {
  return {
    diffusion_id: diffusion.id,
    program: diffusion.program,
    episode: diffusion.title,
    start: new Date(diffusion.start).toISOString(),
  }
}

/**
 * What players show during a diffusion: `Program: Episode` (Aircox showed
 * the file's tags, and a live show had none). One line: it goes out as ICY.
 */
export function streamTitle(diffusion: Pick<CatalogDiffusion, 'program' | 'title'>): string {
  return `${diffusion.program}: ${diffusion.title}`.replace(/[\r\n\t]+/g, ' ').trim()
}

/**
 * The diffusions a live show may be at `now`: running, with no archive to
 * play (what the dealer cannot air, the live input does). The one place that
 * says what a live diffusion is, for the start, the stop, the title and the
 * recording.
 */
export function liveDiffusions(catalog: Pick<CatalogView, 'running'>, now: number) {
  return catalog.running(now).filter((d) => d.archives.length === 0)
}

/** How long a diffusion ran, as the on-air log says it: `1:02:05`. */
export function runTime(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`
}

export class MonitorRules {
  readonly settings: RuleSettings
  /** The Liquidsoap process last seen (its start time), and the airings it had. */
  instance: number | null = null
  seen = new Set<string>()
  airing: Airing | null = null
  /** Diffusions queued in the current Liquidsoap process; when a refused cue may be tried again. */
  cued = new Set<number>()
  cueFailures = new Map<number, number>()
  /** The last airing logged (this run, or found in the logs at start-up). */
  lastLogged: { date: number; path: string | null } | null = null
  /** What the events last said of the live input, the outputs, the silence and late diffusions. */
  live: boolean | null = null
  liveSilent = false
  outputs: Record<string, boolean> = {}
  deadAirSince = 0
  reportedLate = new Set<number>()
  /** The live diffusion whose title is on the stream, while the live input is on air. */
  liveTitled: number | null = null
  /** The dealer's diffusion this monitor saw on air, when and in which process it last did: it awaits its `stop`. */
  dealerShow: { id: number; seenAt: number; instance: number } | null = null
  /** The live show this monitor saw started, and since when the live input is off air (null: on air). */
  liveShow: { id: number; leftAt: number | null } | null = null
  /** Diffusions queued in this tick: never cancelled in the tick that queued them. */
  #queuedNow = new Set<number>()
  #status: OnAirStatus | null = null

  constructor(settings: RuleSettings) {
    this.settings = settings
  }

  // ---- step 1 ---------------------------------------------------------------

  observe(status: OnAirStatus, catalog: CatalogView, now: number): Outcome {
    const out = emptyOutcome()
    this.#status = status
    this.#queuedNow = new Set()
    if (status.started !== this.instance) this.#newInstance(status, catalog, now, out)
    // What left the air is stopped before what replaced it is logged.
    this.#traceDealerEnd(status, catalog, now, out)
    this.#traceLiveEnd(status, catalog, now, out)
    this.#traceSound(status, catalog, out)
    this.#traceTracks(now, out)
    this.#traceStart(status, catalog, now, out)
    this.#followOnAir(status, catalog, now)
    this.#titleLive(status, catalog, now, out)
    this.#cueNext(status, catalog, now, out)
    return out
  }

  /** A Liquidsoap that (re)started: forget its predecessor's airings, resume the diffusion, release the rotation. */
  #newInstance(status: OnAirStatus, catalog: CatalogView, now: number, out: Outcome) {
    if (this.instance !== null) out.notes.push({ level: 'warn', message: 'Liquidsoap restarted' })
    this.instance = status.started
    this.seen.clear()
    this.cued.clear()
    this.liveTitled = null
    // A new process connects its outputs in its first second: that is no output going down.
    this.outputs = {}
    const resume = this.#resumeDiffusion(status, catalog, now)
    if (resume) out.commands.push(resume)
    // The diffusion is queued first (or there is none): then the rotation may go on air.
    if (status.held) out.commands.push({ kind: 'release' })
  }

  /**
   * A Liquidsoap that (re)started while a started diffusion should still be
   * on air gets it back at the right offset (Aircox never restarted one).
   */
  #resumeDiffusion(
    status: OnAirStatus,
    catalog: CatalogView,
    now: number
  ): Extract<MonitorCommand, { kind: 'queue' }> | null {
    if (status.active === 'dealer' || status.dealerQueue > 0) return null
    // The latest diffusion started before this process whose sounds are not over.
    // One whose stop is logged really ended: it is not played again.
    const diffusion = catalog.diffusions
      .filter(
        (d) =>
          d.startedAt !== null &&
          d.stoppedAt === null &&
          d.startedAt < status.started &&
          d.archives.length > 0
      )
      .sort((a, b) => b.startedAt! - a.startedAt!)[0]
    if (!diffusion) return null
    const point = resumePoint(diffusion.archives, (now - diffusion.startedAt!) / 1000)
    if (!point) return null
    this.cued.add(diffusion.id)
    return {
      kind: 'queue',
      purpose: 'resume',
      diffusionId: diffusion.id,
      sounds: diffusion.archives.slice(point.index),
      gate: now,
      title: streamTitle(diffusion),
      first: { liq_cue_in: point.offset.toFixed(3), antenne_resume: 1 },
      resumeAt: point,
    }
  }

  #traceSound(status: OnAirStatus, catalog: CatalogView, out: Outcome) {
    if (!status.rid || !status.filename) return
    const key = airingKey(status)
    if (this.airing?.key === key) return
    // A request seen before in this process is an interrupted track resuming.
    if (this.seen.has(key)) {
      this.airing = { key, pending: [] }
      return
    }
    this.seen.add(key)
    const date = status.firstOnAir ?? status.now
    const sound = catalog.sounds.get(status.filename) ?? null
    const airing: Airing = { key, pending: [], sound }
    this.airing = airing
    if (sound)
      airing.pending = sound.tracks.map((track) => ({ track, at: date + track.timestamp * 1000 }))
    // A diffusion resumed after a Liquidsoap restart already has its log.
    if (status.resumed) {
      airing.pending = airing.pending.filter((p) => p.at > status.now)
      return
    }
    const last = this.lastLogged
    if (
      last &&
      last.path === (sound?.path ?? status.filename) &&
      Math.abs(last.date - date) < 1500
    ) {
      // Logged by a previous run of the monitor: only the tracks it had not reached remain.
      airing.awaitingLogs = true
      out.commands.push({ kind: 'drop_logged_tracks', since: date })
      return
    }
    const diffusionId =
      status.diffusionId ??
      (sound?.episodeId ? (catalog.diffusionOfEpisodeAt(sound.episodeId, date)?.id ?? null) : null)
    out.entries.push(
      this.#log({
        type: 'on_air',
        date,
        source: status.source || null,
        soundId: sound?.id ?? null,
        diffusionId,
        comment: sound ? null : status.uri,
      })
    )
    this.lastLogged = { date, path: sound?.path ?? status.filename }
    out.events.push({
      type: 'sound_on_air',
      at: date,
      payload: {
        sound_id: sound?.id ?? null,
        path: sound?.path ?? status.filename,
        name: sound?.name ?? null,
        title: sound?.title ?? null,
        artist: sound?.artist ?? null,
        cover: sound?.cover ?? null,
        diffusion_id: diffusionId,
        source: status.source || null,
      },
    })
  }

  /** The answer to `drop_logged_tracks`: these track ids are in the logs already. */
  dropLoggedTracks(logged: Set<number>) {
    if (!this.airing) return
    this.airing.pending = this.airing.pending.filter((p) => !logged.has(p.track.id))
    this.airing.awaitingLogs = false
  }

  /** Timestamped tracks of the sound on air, logged as air time + timestamp passes. */
  #traceTracks(now: number, out: Outcome) {
    const airing = this.airing
    if (airing?.awaitingLogs) return
    const source = this.#status?.source || null
    let reached: CatalogTrack | null = null
    while (airing?.pending.length && airing.pending[0].at <= now) {
      const { track, at } = airing.pending.shift()!
      reached = track
      out.entries.push(
        this.#log({
          type: 'on_air',
          date: at,
          source,
          trackId: track.id,
          comment: track.artist ? `${track.artist} – ${track.title}` : track.title,
        })
      )
      out.events.push({
        type: 'track_on_air',
        at,
        payload: {
          track_id: track.id,
          title: track.title,
          artist: track.artist,
          sound_id: airing.sound?.id ?? null,
          cover: airing.sound?.cover ?? null,
          source,
        },
      })
    }
    // Tracks passed together (a tick late, a restart) put only the one on air on the stream.
    if (reached) out.commands.push({ kind: 'title', title: reached.title, artist: reached.artist })
  }

  /** `start` when the script reports a diffusion's first frame, or the live input for a live show. */
  #traceStart(status: OnAirStatus, catalog: CatalogView, now: number, out: Outcome) {
    if (status.active === 'dealer' && status.diffusionId) {
      const diffusion = catalog.diffusion(status.diffusionId)
      if (diffusion && diffusion.startedAt === null) {
        diffusion.startedAt = status.firstOnAir ?? now
        out.entries.push(
          this.#log({
            type: 'start',
            date: diffusion.startedAt,
            source: 'dealer',
            diffusionId: diffusion.id,
            comment: diffusion.title,
          })
        )
        this.#started(diffusion, 'dealer', out)
        out.notes.push({
          level: 'info',
          message: `diffusion ${diffusion.id} "${diffusion.title}" on air, ${diffusion.startedAt - diffusion.start} ms from its start`,
        })
      }
    }
    if (status.active === 'live') {
      const live = liveDiffusions(catalog, now).find((d) => d.startedAt === null)
      if (live) {
        // The studio stayed on into the next live show: the last one ended here.
        if (this.liveShow && this.liveShow.id !== live.id) {
          this.#stop(catalog, this.liveShow.id, 'live', now, out)
          this.liveShow = null
        }
        live.startedAt = now
        out.entries.push(
          this.#log({
            type: 'start',
            date: now,
            source: 'live',
            diffusionId: live.id,
            comment: live.title,
          })
        )
        this.#started(live, 'live', out)
      }
    }
  }

  /**
   * The dealer's diffusion is over when something else plays on the dealer
   * (it plays its queue in order), or when the dealer has left the air with
   * nothing queued. The live input on air only pauses it: it goes on after.
   *
   * Liquidsoap dying is no end: the dealer leaves the air with the process,
   * and the diffusion is resumed in the next one. Until this monitor sees it
   * on the dealer of the new process, only time says it is over: its sounds'
   * length (as a resume reckons it) or its slot's end passed. It then ran
   * until the monitor last saw it.
   */
  #traceDealerEnd(status: OnAirStatus, catalog: CatalogView, now: number, out: Outcome) {
    const show = this.dealerShow
    if (!show || (status.active === 'dealer' && status.diffusionId === show.id)) return
    if (show.instance !== status.started) {
      const diffusion = catalog.diffusion(show.id)
      const started = diffusion?.startedAt ?? now
      // Another request on the new dealer also says it is over: it plays its queue in order.
      if (
        status.active !== 'dealer' &&
        diffusion &&
        now < diffusion.end &&
        resumePoint(diffusion.archives, (now - started) / 1000)
      )
        return
      this.#stop(catalog, show.id, 'dealer', show.seenAt, out)
      this.dealerShow = null
      return
    }
    const over =
      status.active === 'dealer' || (status.active !== 'live' && status.dealerQueue === 0)
    if (!over) return
    // The request that followed it, if it first went on air since: the very frame it left.
    const next = status.diffusionId !== show.id ? status.firstOnAir : null
    const at = next !== null && next > show.seenAt && next <= now ? next : now
    this.#stop(catalog, show.id, 'dealer', at, out)
    this.dealerShow = null
  }

  /**
   * A live show ends when the live input last left the air during it: one
   * `stop`, as it has one `start`, dated when it left for the last time. The
   * studio may drop and come back within the slot (a network glitch, a
   * Liquidsoap restart), so the stop is written once the slot is over with the
   * input off air, or when the next live show takes the input over. Live
   * going on past the slot's end is still the show: it stops when it leaves.
   */
  #traceLiveEnd(status: OnAirStatus, catalog: CatalogView, now: number, out: Outcome) {
    const show = this.liveShow
    if (!show) return
    if (status.active === 'live') {
      const next = this.#liveRunning(catalog, now)
      if (!next || next.id === show.id) return
      this.#stop(catalog, show.id, 'live', next.startedAt!, out)
      this.liveShow = null
      return
    }
    show.leftAt ??= now
    const diffusion = catalog.diffusion(show.id)
    if (diffusion && now < diffusion.end) return
    this.#stop(catalog, show.id, 'live', show.leftAt, out)
    this.liveShow = null
  }

  /**
   * What is on air now, to stop it when it ends: the dealer's diffusion, and
   * the live show started (this run or, for a restarted monitor, before it;
   * one found off air is taken to have left at this first look).
   */
  #followOnAir(status: OnAirStatus, catalog: CatalogView, now: number) {
    if (status.active === 'dealer' && status.diffusionId) {
      const diffusion = catalog.diffusion(status.diffusionId)
      if (diffusion && diffusion.startedAt !== null && diffusion.stoppedAt === null)
        this.dealerShow = { id: diffusion.id, seenAt: now, instance: status.started }
    }
    const onAir = status.active === 'live'
    if (this.liveShow) {
      if (onAir) this.liveShow.leftAt = null
      return
    }
    const live = this.#liveRunning(catalog, now)
    if (live) this.liveShow = { id: live.id, leftAt: onAir ? null : now }
  }

  /** The live show of now that started and has not stopped. */
  #liveRunning(catalog: CatalogView, now: number) {
    return liveDiffusions(catalog, now).find((d) => d.startedAt !== null && d.stoppedAt === null)
  }

  /** One `stop` per diffusion, never for one deleted or cancelled since, nor twice. */
  #stop(catalog: CatalogView, id: number, source: 'dealer' | 'live', at: number, out: Outcome) {
    const diffusion = catalog.diffusion(id)
    if (!diffusion || diffusion.startedAt === null || diffusion.stoppedAt !== null) return
    diffusion.stoppedAt = at
    const ran = runTime(at - diffusion.startedAt)
    out.entries.push(
      this.#log({ type: 'stop', date: at, source, diffusionId: id, comment: `ran ${ran}` })
    )
    out.notes.push({
      level: 'info',
      message: `diffusion ${id} "${diffusion.title}" off air after ${ran}`,
    })
  }

  /**
   * The live show's title on the stream while the live input is on air: a
   * source client often sends none (players said "Unknown"), or its own
   * software's name. Once per connection, so that a title the studio sends
   * afterwards stays.
   */
  #titleLive(status: OnAirStatus, catalog: CatalogView, now: number, out: Outcome) {
    if (status.active !== 'live') {
      this.liveTitled = null
      return
    }
    const [show] = liveDiffusions(catalog, now)
    if (!show || this.liveTitled === show.id) return
    this.liveTitled = show.id
    out.commands.push({ kind: 'title', title: streamTitle(show), artist: null })
  }

  #started(diffusion: CatalogDiffusion, source: string, out: Outcome) {
    const delay = diffusion.startedAt! - diffusion.start
    const payload = { ...facts(diffusion), source, delay_ms: delay }
    out.events.push({ type: 'diffusion_started', at: diffusion.startedAt!, payload })
    if (delay > LATE_START_MS && !this.reportedLate.has(diffusion.id)) {
      this.reportedLate.add(diffusion.id)
      out.events.push({
        type: 'diffusion_late',
        at: diffusion.startedAt!,
        payload: { ...payload, late_ms: delay, started: true },
      })
    }
  }

  /**
   * The next diffusion's archives, queued ahead of its start behind the
   * dealer gate, so that Liquidsoap switches on the frame of the start. A
   * diffusion found late (within the timeout) starts at once, from its beginning.
   */
  #cueNext(status: OnAirStatus, catalog: CatalogView, now: number, out: Outcome) {
    if (status.dealerQueue > 0 || status.active === 'dealer') return
    const { cueLeadMs, cancelTimeoutMs } = this.settings
    const next = catalog.diffusions.find(
      (d) =>
        d.startedAt === null &&
        d.archives.length > 0 &&
        !this.cued.has(d.id) &&
        d.start - cueLeadMs <= now &&
        now < d.start + cancelTimeoutMs &&
        now < d.end &&
        (this.cueFailures.get(d.id) ?? 0) <= now
    )
    if (next)
      out.commands.push({
        kind: 'queue',
        purpose: 'cue',
        diffusionId: next.id,
        sounds: next.archives,
        gate: Math.max(next.start, now),
        title: streamTitle(next),
        first: {},
      })
  }

  // ---- step 2 ---------------------------------------------------------------

  /** What a queue command's outcome means: the paths Liquidsoap could not resolve or decode. */
  settle(
    command: Extract<MonitorCommand, { kind: 'queue' }>,
    failed: string[],
    now: number
  ): Outcome {
    const out = emptyOutcome()
    if (command.purpose === 'resume') {
      if (failed.length)
        out.notes.push({
          level: 'warn',
          message: `cannot resume ${failed.join(', ')} (missing or undecodable)`,
        })
      const { index, offset } = command.resumeAt ?? { index: 0, offset: 0 }
      out.notes.push({
        level: 'warn',
        message: `diffusion ${command.diffusionId} resumed at ${offset.toFixed(1)} s of sound ${index + 1}`,
      })
      return out
    }
    if (failed.length) {
      out.notes.push({
        level: 'warn',
        message: `diffusion ${command.diffusionId}: cannot play ${failed.join(', ')} (missing or undecodable)`,
      })
      out.entries.push(
        this.#log({
          type: 'other',
          date: now,
          source: 'dealer',
          diffusionId: command.diffusionId,
          comment: `cannot play: ${failed.join(', ')}`,
        })
      )
    }
    if (failed.length === command.sounds.length) {
      // Nothing could be queued: try again later; the timeout cancels it if that never works.
      this.cueFailures.set(command.diffusionId, now + CUE_RETRY_MS)
      return out
    }
    this.cued.add(command.diffusionId)
    this.#queuedNow.add(command.diffusionId)
    return out
  }

  // ---- step 3 ---------------------------------------------------------------

  conclude(status: OnAirStatus, catalog: CatalogView, now: number): Outcome {
    const out = emptyOutcome()
    this.#cancelLate(catalog, now, out)
    this.#traceTransitions(status, now, out)
    return out
  }

  /** Diffusions that did not start within the timeout become `cancel` (never in the tick that queued them). */
  #cancelLate(catalog: CatalogView, now: number, out: Outcome) {
    for (const diffusion of [...catalog.diffusions]) {
      if (diffusion.startedAt !== null || this.#queuedNow.has(diffusion.id)) continue
      if (
        now >= diffusion.start + LATE_AFTER_MS &&
        now < diffusion.end &&
        !this.reportedLate.has(diffusion.id)
      ) {
        this.reportedLate.add(diffusion.id)
        out.events.push({
          type: 'diffusion_late',
          at: now,
          payload: { ...facts(diffusion), late_ms: now - diffusion.start, started: false },
        })
      }
      if (now < diffusion.start + this.settings.cancelTimeoutMs) continue
      if (this.cued.has(diffusion.id) && this.#status?.active === 'dealer') continue
      const minutes = Math.round((now - diffusion.start) / 60_000)
      out.entries.push({ op: 'cancel', diffusionId: diffusion.id })
      out.events.push({
        type: 'diffusion_cancelled',
        at: now,
        payload: {
          ...facts(diffusion),
          // The end too: the guide's schedule_changed covers the whole slot.
          end: new Date(diffusion.end).toISOString(),
          reason: `not on air ${minutes} min after its start`,
        },
      })
      out.entries.push(
        this.#log({
          type: 'cancel',
          date: now,
          source: null,
          diffusionId: diffusion.id,
          comment: diffusion.title,
        })
      )
      out.notes.push({
        level: 'warn',
        message: `diffusion ${diffusion.id} "${diffusion.title}" cancelled: not on air ${minutes} min after its start`,
      })
      catalog.forget(diffusion.id)
    }
  }

  /** Live input, outputs and silence: an event when each changes; dead air also repairs the playlists. */
  #traceTransitions(status: OnAirStatus, now: number, out: Outcome) {
    if (this.live !== null && status.live !== this.live)
      out.events.push({
        type: status.live ? 'live_connected' : 'live_disconnected',
        at: now,
        // Who logged in: a host's e-mail, or what the studio sent with the station's key.
        payload: status.live ? { user: status.liveUser } : {},
      })
    this.live = status.live
    // A silent source that leaves the air, and its sound back; a disconnection ends the silence unsaid.
    if (status.liveSilent !== this.liveSilent && (status.live || !status.liveSilent)) {
      if (status.liveSilent) out.events.push({ type: 'live_silent', at: now, payload: {} })
      else if (status.live) out.events.push({ type: 'live_sound_back', at: now, payload: {} })
      this.liveSilent = status.liveSilent
    }
    for (const [output, up] of Object.entries(status.outputs)) {
      const before = this.outputs[output]
      // Not connected yet at the first look (a new process, a first tick): its first state is "up".
      if (before === undefined && !up) continue
      if (before === true && !up)
        out.events.push({ type: 'output_down', at: now, payload: { output } })
      if (before === false && up)
        out.events.push({ type: 'output_up', at: now, payload: { output } })
      this.outputs[output] = up
    }
    if (status.blankSince > 0 && status.blankSince !== this.deadAirSince) {
      out.events.push({
        type: 'dead_air',
        at: now,
        payload: { since: new Date(status.blankSince).toISOString(), source: status.active },
      })
      // A damaged playlist is a cause of silence: repair it now, not at the next resync.
      out.commands.push({ kind: 'repair_playlists' })
    }
    this.deadAirSince = status.blankSince
  }

  #log(row: Omit<LogRow, 'stationId'>): JournalEntry {
    return { op: 'log', row: { stationId: this.settings.stationId, ...row } }
  }
}
