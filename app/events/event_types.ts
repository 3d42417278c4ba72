/*
| The events Antenne tells other systems about: what happened, where, when.
| Each type has one of Flussonic's seven levels, so that a sink can take only
| warnings and worse. Some events also carry groups (payload.groups), which a
| sink's rules can match: `only group=system_overloaded`.
*/
export const EVENT_LEVELS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
] as const
export type EventLevel = (typeof EVENT_LEVELS)[number]

export const EVENT_TYPES = {
  diffusion_started: 'info',
  diffusion_cancelled: 'warning',
  diffusion_late: 'warning',
  sound_on_air: 'info',
  track_on_air: 'info',
  live_connected: 'notice',
  live_disconnected: 'notice',
  /** A login at the live input refused (wrong key, outside the host's slot, throttled). */
  live_refused: 'warning',
  /** The live input is on air but silent: the station falls back until sound returns. */
  live_silent: 'warning',
  live_sound_back: 'notice',
  /** A diffusion 24 h or 1 h away that may air nothing (no archive, no live, a rerun of nothing). */
  diffusion_at_risk: 'warning',
  streamer_started: 'notice',
  streamer_crashed: 'critical',
  streamer_restarted: 'warning',
  /** A node took a station's lease (a standby took over, or a node leads again after a restart). */
  streamer_took_over: 'warning',
  /** A node lost a station's lease, or could not renew it in time: its outputs stopped. */
  streamer_lost_lease: 'error',
  output_down: 'error',
  output_up: 'notice',
  /** An edge relay stopped answering or relaying its mounts (twice in a row: one lost poll is no outage). */
  edge_down: 'error',
  edge_up: 'notice',
  /** Silence on air: listeners hear nothing. */
  dead_air: 'alert',
  /** A file the streamer writes cannot be written (full disk, I/O error, permissions); audio goes on. */
  storage_error: 'error',
  library_scan_finished: 'info',
  sound_quality_failed: 'warning',
  listener_peak: 'info',
  config_reloaded: 'notice',
  /** Flussonic's epg_changed: diffusions created, moved, cancelled or confirmed, with the range. */
  schedule_changed: 'info',
  /** The machine uses over half its memory (group system_overloaded over 80 %). */
  memory_usage: 'warning',
  /** The load average is high for the number of cores. */
  load_high: 'warning',
  /** A data folder's file system is nearly full. */
  disk_low: 'error',
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
