/*
| The events Antenne tells other systems about: what happened, where, when.
| Each type has a level, so that a sink can take only warnings and errors.
*/
export const EVENT_LEVELS = ['debug', 'info', 'warning', 'error'] as const
export type EventLevel = (typeof EVENT_LEVELS)[number]

export const EVENT_TYPES = {
  diffusion_started: 'info',
  diffusion_cancelled: 'warning',
  diffusion_late: 'warning',
  sound_on_air: 'info',
  track_on_air: 'info',
  live_connected: 'info',
  live_disconnected: 'info',
  streamer_started: 'info',
  streamer_crashed: 'error',
  streamer_restarted: 'warning',
  output_down: 'error',
  output_up: 'info',
  dead_air: 'error',
  /** A file the streamer writes cannot be written (full disk, I/O error, permissions); audio goes on. */
  storage_error: 'error',
  library_scan_finished: 'info',
  sound_quality_failed: 'warning',
  listener_peak: 'info',
  config_reloaded: 'info',
} as const satisfies Record<string, EventLevel>

export type EventType = keyof typeof EVENT_TYPES

export interface AntenneEvent {
  /** Set once stored: the order of delivery. */
  id?: number
  type: EventType
  /** The station's slug, or null for events of the whole install. */
  station: string | null
  level: EventLevel
  /** ISO 8601, UTC, with milliseconds. */
  at: string
  payload: Record<string, unknown>
}

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPES, value)
}

export function levelRank(level: string): number {
  const rank = EVENT_LEVELS.indexOf(level as EventLevel)
  return rank < 0 ? 1 : rank
}
