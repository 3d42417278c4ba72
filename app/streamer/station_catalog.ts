/*
| What a monitor needs to know from the database, held in memory so that a
| steady tick asks nothing: the station's sounds by path (with their
| timestamped tracks), the diffusions around now with their archives, and
| which of them already started. It is reloaded when the change stamp moves,
| when its window runs short, and at least every sync interval.
*/
import db from '@adonisjs/lucid/services/db'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { DateTime } from 'luxon'

export interface CatalogTrack {
  id: number
  timestamp: number
  title: string
  artist: string | null
}

export interface CatalogSound {
  id: number
  path: string
  episodeId: number | null
  duration: number | null
  loudness: number | null
  truePeak: number | null
  /** What events say of it. */
  name: string
  title: string | null
  artist: string | null
  cover: string | null
  tracks: CatalogTrack[]
}

export interface CatalogDiffusion {
  id: number
  episodeId: number
  title: string
  program: string
  /** Epoch ms. */
  start: number
  end: number
  archives: CatalogSound[]
  /** When its start was logged (epoch ms), if it was. */
  startedAt: number | null
}

export interface LastOnAir {
  date: number
  path: string | null
}

/** How far around now the catalog holds diffusions. */
const PAST_WINDOW_MS = 24 * 3600_000
const FUTURE_WINDOW_MS = 6 * 3600_000

function ms(value: unknown): number {
  return fromSqlDateTime(value)!.toMillis()
}

export class StationCatalog {
  readonly stationId: number
  sounds = new Map<string, CatalogSound>()
  diffusions: CatalogDiffusion[] = []
  loadedAt = 0
  /** The diffusions are known up to here (epoch ms). */
  horizon = 0

  constructor(stationId: number) {
    this.stationId = stationId
  }

  /** Whether the catalog should be loaded again at `now`. */
  isStale(now: number, syncIntervalMs: number): boolean {
    return (
      this.loadedAt === 0 || now - this.loadedAt >= syncIntervalMs || now >= this.horizon - 3600_000
    )
  }

  async load(now: number): Promise<void> {
    const sounds = await db
      .from('sounds')
      .join('programs', 'programs.id', 'sounds.program_id')
      .where('programs.station_id', this.stationId)
      .whereNot('sounds.type', 'removed')
      .select(
        'sounds.id',
        'sounds.path',
        'sounds.episode_id',
        'sounds.type',
        'sounds.duration',
        'sounds.loudness',
        'sounds.true_peak',
        'sounds.name',
        'sounds.title',
        'sounds.artist',
        'sounds.cover'
      )
      .orderBy('sounds.path')
    const tracks = await db
      .from('tracks')
      .join('sounds', 'sounds.id', 'tracks.sound_id')
      .join('programs', 'programs.id', 'sounds.program_id')
      .where('programs.station_id', this.stationId)
      .whereNotNull('tracks.timestamp')
      .select('tracks.id', 'tracks.sound_id', 'tracks.timestamp', 'tracks.title', 'tracks.artist')
      .orderBy('tracks.timestamp')
    const from = DateTime.fromMillis(now - PAST_WINDOW_MS)
    const to = DateTime.fromMillis(now + FUTURE_WINDOW_MS)
    const diffusions = await db
      .from('diffusions')
      .join('programs', 'programs.id', 'diffusions.program_id')
      .join('episodes', 'episodes.id', 'diffusions.episode_id')
      .where('programs.station_id', this.stationId)
      .where('diffusions.type', 'on_air')
      .where('diffusions.start', '>=', sqlDateTime(from))
      .where('diffusions.start', '<', sqlDateTime(to))
      .select(
        'diffusions.id',
        'diffusions.episode_id',
        'diffusions.start',
        'diffusions.end',
        'episodes.title',
        'programs.title as program'
      )
      .orderBy('diffusions.start')
    const ids = diffusions.map((d) => d.id)
    const starts = ids.length
      ? await db
          .from('logs')
          .where('type', 'start')
          .whereIn('diffusion_id', ids)
          .groupBy('diffusion_id')
          .select('diffusion_id')
          .min('date as date')
      : []

    const byId = new Map<number, CatalogSound>()
    this.sounds = new Map()
    const archivesByEpisode = new Map<number, CatalogSound[]>()
    for (const row of sounds) {
      const sound: CatalogSound = {
        id: row.id,
        path: row.path,
        episodeId: row.episode_id,
        duration: row.duration,
        loudness: row.loudness,
        truePeak: row.true_peak,
        name: row.name,
        title: row.title,
        artist: row.artist,
        cover: row.cover,
        tracks: [],
      }
      this.sounds.set(sound.path, sound)
      byId.set(sound.id, sound)
      if (row.type === 'archive' && row.episode_id) {
        const list = archivesByEpisode.get(row.episode_id) ?? []
        list.push(sound)
        archivesByEpisode.set(row.episode_id, list)
      }
    }
    for (const row of tracks) {
      byId.get(row.sound_id)?.tracks.push({
        id: row.id,
        timestamp: row.timestamp,
        title: row.title,
        artist: row.artist,
      })
    }
    const startedAt = new Map(
      starts.map((row: { diffusion_id: number; date: unknown }) => [row.diffusion_id, ms(row.date)])
    )
    this.diffusions = diffusions.map((row) => ({
      id: row.id,
      episodeId: row.episode_id,
      title: row.title,
      program: row.program,
      start: ms(row.start),
      end: ms(row.end),
      archives: archivesByEpisode.get(row.episode_id) ?? [],
      startedAt: startedAt.get(row.id) ?? null,
    }))
    this.loadedAt = now
    this.horizon = now + FUTURE_WINDOW_MS
  }

  /** The last sound or unknown file logged on air, to recognise it after a restart. */
  async lastOnAir(): Promise<LastOnAir | null> {
    const row = await db
      .from('logs')
      .leftJoin('sounds', 'sounds.id', 'logs.sound_id')
      .where('logs.station_id', this.stationId)
      .where('logs.type', 'on_air')
      .whereNull('logs.track_id')
      .orderBy('logs.date', 'desc')
      .select('logs.date', 'logs.comment', 'sounds.path')
      .first()
    return row ? { date: ms(row.date), path: row.path ?? row.comment ?? null } : null
  }

  /** Track ids already logged since `from` (after a monitor restart mid-sound). */
  async loggedTracksSince(from: number): Promise<Set<number>> {
    const rows = await db
      .from('logs')
      .where('station_id', this.stationId)
      .where('type', 'on_air')
      .whereNotNull('track_id')
      .where('date', '>=', sqlDateTime(DateTime.fromMillis(from - 1000)))
      .select('track_id')
    return new Set(rows.map((row) => row.track_id))
  }

  diffusion(id: number): CatalogDiffusion | undefined {
    return this.diffusions.find((d) => d.id === id)
  }

  /** The diffusion of an episode airing at `at` (reruns share the episode). */
  diffusionOfEpisodeAt(episodeId: number, at: number): CatalogDiffusion | undefined {
    return this.diffusions.find(
      (d) => d.episodeId === episodeId && d.start <= at + 60_000 && at < d.end
    )
  }

  /** Diffusions running at `at`. */
  running(at: number): CatalogDiffusion[] {
    return this.diffusions.filter((d) => d.start <= at && at < d.end)
  }

  forget(id: number) {
    this.diffusions = this.diffusions.filter((d) => d.id !== id)
  }
}
