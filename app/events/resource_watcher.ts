/*
| The machine's resources as events (Flussonic's memory_usage, with load_high
| and disk_low beside it). Pure: it is given samples (resource_sampler.ts
| reads them) and says which events they raise.
|
| Each alarm has two thresholds so that it does not flap: raised when the
| value crosses the high one, cleared (the same type with `cleared: true`)
| only once it is back past a lower one, and silent in between, however many
| samples stay high. Memory goes one step further, as Flussonic does: over
| 80 % the alarm is raised again, now in the group system_overloaded.
*/
import type { EventLevel } from '#events/event_types'

export interface WatchThresholds {
  /** memory_usage when more than this share of memory is used (percent; Flussonic: half). */
  memoryPercent: number
  /** ...raised again, in the group system_overloaded, over this share (Flussonic: 80). */
  memoryOverloadPercent: number
  /** load_high when the 5-minute load average per core is over this. */
  loadPerCore: number
  /** disk_low when a data folder's file system has less than this share free (percent). */
  diskFreePercent: number
  /**
   * How far back a value must come before its alarm clears: percentage
   * points for memory and disk; for the load, this percent of its threshold.
   */
  clearMargin: number
}

export interface MemorySample {
  /** Bytes (MemTotal of /proc/meminfo). */
  total: number
  /** Bytes the kernel can give without swapping (MemAvailable: free memory alone counts caches as used). */
  available: number
}

export interface LoadSample {
  /** The 1-, 5- and 15-minute load averages. */
  averages: [number, number, number]
  cores: number
}

export interface DiskSample {
  /** Identifies the file system (its device number): folders on one disk make one alarm. */
  device: string
  /** The data folders on it, by name (programs, database, …) and path. */
  folders: Array<{ name: string; path: string }>
  /** Bytes. */
  total: number
  /** Bytes an unprivileged process may still write (statfs bavail). */
  free: number
}

export interface ResourceSample {
  /** Null where there is no /proc/meminfo: memory is not watched. */
  memory: MemorySample | null
  load: LoadSample
  disks: DiskSample[]
}

export interface WatchEvent {
  type: 'memory_usage' | 'load_high' | 'disk_low'
  /**
   * Where it differs from the type's own level: an overload is critical, and
   * a cleared alarm is news, not a warning (a sink taking warnings and worse
   * hears the alarm, not its end).
   */
  level?: EventLevel
  payload: Record<string, unknown>
}

export const OVERLOADED = 'system_overloaded'

/** One decimal: enough to read, and stable in tests. */
const round = (n: number) => Math.round(n * 10) / 10
const round2 = (n: number) => Math.round(n * 100) / 100

export function memoryUsedPercent(memory: MemorySample) {
  return memory.total ? ((memory.total - memory.available) / memory.total) * 100 : 0
}

type MemoryState = 'normal' | 'high' | 'overloaded'

export class ResourceWatcher {
  readonly thresholds: WatchThresholds
  #memory: MemoryState = 'normal'
  #load = false
  /** The devices whose disk_low alarm is raised. */
  #lowDisks = new Set<string>()

  constructor(thresholds: WatchThresholds) {
    this.thresholds = thresholds
  }

  /** The events one sample raises or clears (none while nothing crosses a threshold). */
  observe(sample: ResourceSample): WatchEvent[] {
    return [
      ...(sample.memory ? this.#observeMemory(sample.memory) : []),
      ...this.#observeLoad(sample.load),
      ...sample.disks.flatMap((disk) => this.#observeDisk(disk)),
    ]
  }

  /** The alarms raised now, for the log line of a stop. */
  get raised() {
    return {
      memory: this.#memory,
      load: this.#load,
      disks: [...this.#lowDisks],
    }
  }

  #observeMemory(memory: MemorySample): WatchEvent[] {
    const { memoryPercent, memoryOverloadPercent, clearMargin } = this.thresholds
    const used = memoryUsedPercent(memory)
    const before = this.#memory
    let after: MemoryState = before
    if (used > memoryOverloadPercent) after = 'overloaded'
    else if (before === 'normal' && used > memoryPercent) after = 'high'
    else if (before !== 'normal' && used < memoryPercent - clearMargin) after = 'normal'
    // Below 80 % again, the overload is over (silently: the alarm stays raised);
    // crossing 80 % once more raises it again.
    else if (before === 'overloaded' && used < memoryOverloadPercent - clearMargin) after = 'high'
    this.#memory = after
    const worse = rank(after) > rank(before)
    if (!worse && after !== 'normal') return []
    if (after === 'normal' && before === 'normal') return []
    const payload: Record<string, unknown> = {
      used: memory.total - memory.available,
      total: memory.total,
      available: memory.available,
      used_percent: round(used),
      threshold_percent: after === 'overloaded' ? memoryOverloadPercent : memoryPercent,
    }
    if (after === 'overloaded') payload.groups = [OVERLOADED]
    if (after === 'normal') payload.cleared = true
    const level = after === 'overloaded' ? 'critical' : after === 'normal' ? 'info' : undefined
    return [{ type: 'memory_usage', payload, ...(level && { level }) }]
  }

  #observeLoad(load: LoadSample): WatchEvent[] {
    const { loadPerCore, clearMargin } = this.thresholds
    const perCore = load.averages[1] / Math.max(1, load.cores)
    const before = this.#load
    if (!before && perCore > loadPerCore) this.#load = true
    else if (before && perCore < loadPerCore * (1 - clearMargin / 100)) this.#load = false
    if (this.#load === before) return []
    const payload: Record<string, unknown> = {
      load_1m: round2(load.averages[0]),
      load_5m: round2(load.averages[1]),
      load_15m: round2(load.averages[2]),
      cores: load.cores,
      per_core: round2(perCore),
      threshold_per_core: loadPerCore,
    }
    if (!this.#load)
      return [{ type: 'load_high', level: 'info', payload: { ...payload, cleared: true } }]
    return [{ type: 'load_high', payload }]
  }

  #observeDisk(disk: DiskSample): WatchEvent[] {
    const { diskFreePercent, clearMargin } = this.thresholds
    const freePercent = disk.total ? (disk.free / disk.total) * 100 : 100
    const before = this.#lowDisks.has(disk.device)
    let after = before
    if (!before && freePercent < diskFreePercent) after = true
    else if (before && freePercent > diskFreePercent + clearMargin) after = false
    if (after === before) return []
    if (after) this.#lowDisks.add(disk.device)
    else this.#lowDisks.delete(disk.device)
    const payload: Record<string, unknown> = {
      folders: disk.folders,
      free: disk.free,
      total: disk.total,
      free_percent: round(freePercent),
      threshold_percent: diskFreePercent,
    }
    if (!after) return [{ type: 'disk_low', level: 'info', payload: { ...payload, cleared: true } }]
    return [{ type: 'disk_low', payload }]
  }
}

function rank(state: MemoryState) {
  return state === 'normal' ? 0 : state === 'high' ? 1 : 2
}
