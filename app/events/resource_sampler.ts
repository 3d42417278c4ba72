/*
| The I/O side of the resource watcher: reads memory, load and the data
| folders' file systems every few seconds, hands each sample to the pure
| ResourceWatcher and emits what it raises. Run by events:deliver.
*/
import { readFile, stat, statfs } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { dirname } from 'node:path'
import logger from '@adonisjs/core/services/logger'
import antenneConfig from '#config/antenne'
import dbConfig from '#config/database'
import { events } from '#events/event_outbox'
import {
  ResourceWatcher,
  memoryUsedPercent,
  type DiskSample,
  type MemorySample,
  type ResourceSample,
  type WatchEvent,
  type WatchThresholds,
} from '#events/resource_watcher'

export interface DataFolder {
  name: string
  path: string
}

/** The folders Antenne writes its data into, as config/antenne.ts (and config/database.ts) name them. */
export function dataFolders(): DataFolder[] {
  const folders: DataFolder[] = [
    { name: 'programs', path: antenneConfig.programsDir },
    { name: 'stations', path: antenneConfig.stationsDir },
    { name: 'uploads', path: antenneConfig.uploads.stagingDir },
    { name: 'covers', path: antenneConfig.library.coversDir },
    { name: 'archives', path: antenneConfig.archivesDir },
    { name: 'backups', path: antenneConfig.backupsDir },
    { name: 'events spool', path: antenneConfig.events.spoolDir },
  ]
  if (dbConfig.connection === 'sqlite') {
    const { filename } = dbConfig.connections.sqlite.connection as { filename: string }
    folders.push({ name: 'database', path: dirname(filename) })
  }
  return folders
}

/** MemTotal and MemAvailable of /proc/meminfo, in bytes; null without it (not Linux). */
export async function readMemory(): Promise<MemorySample | null> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => null)
  if (!meminfo) return null
  const kib = (key: string) => {
    const found = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)
    return found ? Number(found[1]) * 1024 : null
  }
  const total = kib('MemTotal')
  const available = kib('MemAvailable')
  return total && available !== null ? { total, available } : null
}

/**
 * The folder, or its nearest parent that exists: a folder not made yet
 * (archives before the first archive) will be on that file system.
 */
async function existing(path: string) {
  for (let at = path; ; at = dirname(at)) {
    const found = await stat(at).catch(() => null)
    if (found) return { path: at, device: String(found.dev) }
    if (dirname(at) === at) return null
  }
}

/** One sample per file system, with the folders on it. */
export async function readDisks(folders: DataFolder[]): Promise<DiskSample[]> {
  const byDevice = new Map<string, DiskSample>()
  for (const folder of folders) {
    const found = await existing(folder.path)
    if (!found) continue
    const known = byDevice.get(found.device)
    if (known) {
      known.folders.push(folder)
      continue
    }
    const fs = await statfs(found.path).catch(() => null)
    if (!fs) continue
    byDevice.set(found.device, {
      device: found.device,
      folders: [folder],
      total: fs.blocks * fs.bsize,
      free: fs.bavail * fs.bsize,
    })
  }
  return [...byDevice.values()]
}

export async function sampleResources(folders: DataFolder[]): Promise<ResourceSample> {
  return {
    memory: await readMemory(),
    load: { averages: loadavg() as [number, number, number], cores: availableParallelism() },
    disks: await readDisks(folders),
  }
}

export interface ResourceWatchOptions {
  thresholds?: WatchThresholds
  /** Seconds between samples. */
  interval?: number
  folders?: DataFolder[]
  emit?: (event: WatchEvent) => void
}

/** Samples now and every `interval` seconds until stopped; one sample at a time. */
export class ResourceWatch {
  readonly watcher: ResourceWatcher
  readonly intervalMs: number
  readonly #folders: DataFolder[]
  readonly #emit: (event: WatchEvent) => void
  #timer: NodeJS.Timeout | null = null
  #sampling: Promise<void> | null = null
  #stopped = false
  samples = 0

  constructor(options: ResourceWatchOptions = {}) {
    const { interval, ...thresholds } = antenneConfig.watch
    this.watcher = new ResourceWatcher(options.thresholds ?? thresholds)
    this.intervalMs = Math.max(100, (options.interval ?? interval) * 1000)
    this.#folders = options.folders ?? dataFolders()
    this.#emit =
      options.emit ??
      ((event) => events.emit(event.type, null, event.payload, undefined, event.level))
  }

  start() {
    this.#stopped = false
    void this.#tick()
  }

  /** Waits for a sample in flight; emits nothing after. */
  async stop() {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.#sampling
  }

  async #tick() {
    this.#sampling = this.#sample()
    await this.#sampling
    this.#sampling = null
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#tick(), this.intervalMs)
  }

  async #sample() {
    try {
      const sample = await sampleResources(this.#folders)
      if (this.#stopped) return
      this.samples++
      logger.debug(
        `resources: sample ${this.samples}: memory ${sample.memory ? memoryUsedPercent(sample.memory).toFixed(1) : '?'} %, ` +
          `load ${(sample.load.averages[1] / sample.load.cores).toFixed(2)} per core (5 min)`
      )
      for (const event of this.watcher.observe(sample)) {
        this.#emit(event)
        const line = `resources: ${event.type}${event.payload.cleared ? ' cleared' : ''} ${JSON.stringify(event.payload)}`
        if (event.payload.cleared) logger.info(line)
        else logger.warn(line)
      }
    } catch (error) {
      // A failed read is said and the next sample tries again: the watcher never stops the deliverer.
      logger.warn(`resources: cannot sample (${(error as Error).message})`)
    }
  }
}
