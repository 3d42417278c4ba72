/*
| What changed in a station's schedule, as a schedule_changed event
| (Flussonic's epg_changed): diffusions created, moved, cancelled, confirmed
| or removed, and the range of air time they touch, so that a programme
| guide downstream knows what to read again. One event per station per change: a
| month's generation is one event, not one per diffusion, and nothing that
| changed nothing is an event.
*/
import { DateTime } from 'luxon'
import { events } from '#events/event_outbox'

export const CHANGE_KINDS = ['created', 'moved', 'cancelled', 'confirmed', 'removed'] as const
export type ChangeKind = (typeof CHANGE_KINDS)[number]

export interface Span {
  start: DateTime
  end: DateTime
}

export interface ChangedDiffusion {
  id: number
  kind: ChangeKind
  /** Where it airs now and, for a move, where it aired before: both are in the range. */
  spans: Span[]
}

export interface ScheduleChange {
  station: string
  diffusions: ChangedDiffusion[]
  /**
   * Who changed it: the month's generation, a scheduler in the CMS, a tool
   * through the API, an edited or deleted schedule (`scheduleId`), or the
   * streamer's monitor cancelling a diffusion that could not air.
   */
  source: 'generation' | 'cms' | 'api' | 'schedule' | 'monitor'
  /** The generated month, YYYY-MM. */
  month?: string
  scheduleId?: number
}

/** A diffusion as an edit finds it and leaves it. */
export interface DiffusionState {
  id: number
  type: string
  start: DateTime
  end: DateTime
}

/** What a hand edit of one diffusion did, or null when it changed nothing the guide shows. */
export function diffusionEdit(
  before: DiffusionState,
  after: DiffusionState
): ChangedDiffusion | null {
  const now = { start: after.start, end: after.end }
  if (before.type !== after.type) {
    if (after.type === 'cancel') return { id: after.id, kind: 'cancelled', spans: [now] }
    if (after.type === 'on_air') return { id: after.id, kind: 'confirmed', spans: [now] }
  }
  if (+before.start !== +after.start || +before.end !== +after.end)
    return {
      id: after.id,
      kind: 'moved',
      spans: [now, { start: before.start, end: before.end }],
    }
  return null
}

/**
 * The payload of schedule_changed: `from`/`to` (ISO, UTC) bound every span
 * touched; `what` lists the kinds of change, with a count of each and the
 * ids of the diffusions. Null when nothing changed.
 */
export function scheduleChangedPayload(change: ScheduleChange): Record<string, unknown> | null {
  const spans = change.diffusions.flatMap((d) => d.spans)
  if (!spans.length) return null
  const from = spans.reduce((min, s) => (s.start < min ? s.start : min), spans[0].start)
  const to = spans.reduce((max, s) => (s.end > max ? s.end : max), spans[0].end)
  const counts = Object.fromEntries(
    CHANGE_KINDS.map((kind) => [kind, change.diffusions.filter((d) => d.kind === kind).length])
  ) as Record<ChangeKind, number>
  return {
    from: from.toUTC().toISO(),
    to: to.toUTC().toISO(),
    what: CHANGE_KINDS.filter((kind) => counts[kind] > 0),
    ...counts,
    diffusion_ids: change.diffusions.map((d) => d.id),
    source: change.source,
    ...(change.month ? { month: change.month } : {}),
    ...(change.scheduleId ? { schedule_id: change.scheduleId } : {}),
  }
}

/** The schedule_changed payload of a diffusion_cancelled the monitor emitted (its start and end). */
export function monitorCancel(cancelled: Record<string, unknown>) {
  const { diffusion_id: id, start, end } = cancelled
  if (typeof id !== 'number' || typeof start !== 'string' || typeof end !== 'string') return null
  const span = {
    start: DateTime.fromISO(start, { zone: 'utc' }),
    end: DateTime.fromISO(end, { zone: 'utc' }),
  }
  return scheduleChangedPayload({
    station: '',
    diffusions: [{ id, kind: 'cancelled', spans: [span] }],
    source: 'monitor',
  })
}

/** Emits schedule_changed for the change, unless it changed nothing. */
export function emitScheduleChanged(change: ScheduleChange) {
  const payload = scheduleChangedPayload(change)
  if (payload) events.emit('schedule_changed', change.station, payload)
  return payload
}

/** A hand edit (CMS or API): `edit` runs it; an event if it changed the diffusion. */
export async function editedDiffusion<T>(
  diffusion: DiffusionState & { program: { station: { slug: string } } },
  source: 'cms' | 'api',
  edit: () => Promise<T>
): Promise<T> {
  const before: DiffusionState = { ...pick(diffusion) }
  const result = await edit()
  const changed = diffusionEdit(before, pick(diffusion))
  if (changed)
    emitScheduleChanged({
      station: diffusion.program.station.slug,
      diffusions: [changed],
      source,
    })
  return result
}

function pick(d: DiffusionState): DiffusionState {
  return { id: d.id, type: d.type, start: d.start, end: d.end }
}
