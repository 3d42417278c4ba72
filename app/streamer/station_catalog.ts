/*
| What a monitor needs to know from the database, held in memory so that a
| steady tick asks nothing: the station's sounds by path (with their
| timestamped tracks), the diffusions around now with their archives, and
| which of them already started and stopped. It is reloaded when the change
| stamp moves, when its window runs short, and at least every sync interval.
*/
import db from '@adonisjs/lucid/services/db'
import { programSoundsDir } from '#models/program'
import { fromSqlDateTime, sqlDateTime } from '#models/columns'
import { DateTime } from 'luxon'
import {
  diffusionColumns,
  episodeColumns,
  logColumns,
  programColumns,
  soundColumns,
  trackColumns,
} from '#models/table_columns'

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
  /** When its stop was logged (epoch ms), if it was: it ran and is over. */
  stoppedAt: number | null
  /** Its program's slug and sound folder: where a live show's recording goes. */
  programSlug?: string
  soundsDir?: string
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
    const [s, t, p] = [soundColumns, trackColumns, programColumns]
    const [d, e, l] = [diffusionColumns, episodeColumns, logColumns]
    const sounds = await db
      .from(s.table)
      .join(p.table, p.column('id'), s.column('programId'))
      .where(p.column('stationId'), this.stationId)
      .whereNot(s.column('type'), 'removed')
      .select(
        s.qualified(
          'id',
          'path',
          'episodeId',
          'type',
          'duration',
          'loudness',
          'truePeak',
          'name',
          'title',
          'artist',
          'cover'
        )
      )
      .orderBy(s.column('path'))
    const tracks = await db
      .from(t.table)
      .join(s.table, s.column('id'), t.column('soundId'))
      .join(p.table, p.column('id'), s.column('programId'))
      .where(p.column('stationId'), this.stationId)
      .whereNotNull(t.column('timestamp'))
      .select(t.qualified('id', 'soundId', 'timestamp', 'title', 'artist'))
      .orderBy(t.column('timestamp'))
    const from = DateTime.fromMillis(now - PAST_WINDOW_MS)
    const to = DateTime.fromMillis(now + FUTURE_WINDOW_MS)
    const diffusions = await db
      .from(d.table)
      .join(p.table, p.column('id'), d.column('programId'))
      .join(e.table, e.column('id'), d.column('episodeId'))
      .where(p.column('stationId'), this.stationId)
      .where(d.column('type'), 'on_air')
      .where(d.column('start'), '>=', sqlDateTime(from))
      .where(d.column('start'), '<', sqlDateTime(to))
      .select(
        ...d.qualified('id', 'episodeId', 'start', 'end'),
        e.column('title'),
        `${p.column('title')} as program`,
        `${p.column('slug')} as program_slug`,
        `${p.column('path')} as program_path`
      )
      .orderBy(d.column('start'))
    const ids = diffusions.map((row) => row.id)
    // The start and stop logged of each: the same query as the start alone, a row per type.
    const marks = ids.length
      ? await db
          .from(l.table)
          .whereIn(l.name('type'), ['start', 'stop'])
          .whereIn(l.name('diffusionId'), ids)
          .groupBy(l.name('diffusionId'), l.name('type'))
          .select(l.name('diffusionId'), l.name('type'))
          .min(`${l.name('date')} as date`)
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
    const startedAt = new Map<number, number>()
    const stoppedAt = new Map<number, number>()
    for (const row of marks as Array<{ diffusion_id: number; type: string; date: unknown }>)
      (row.type === 'start' ? startedAt : stoppedAt).set(row.diffusion_id, ms(row.date))
    this.diffusions = diffusions.map((row) => ({
      id: row.id,
      episodeId: row.episode_id,
      title: row.title,
      program: row.program,
      start: ms(row.start),
      end: ms(row.end),
      archives: archivesByEpisode.get(row.episode_id) ?? [],
      startedAt: startedAt.get(row.id) ?? null,
      stoppedAt: stoppedAt.get(row.id) ?? null,
      programSlug: row.program_slug,
      soundsDir: programSoundsDir(row.program_path, row.program_slug),
    }))
    this.loadedAt = now
    this.horizon = now + FUTURE_WINDOW_MS
  }

  /** The last sound or unknown file logged on air, to recognise it after a restart. */
  async lastOnAir(): Promise<LastOnAir | null> {
    const [l, s] = [logColumns, soundColumns]
    const row = await db
      .from(l.table)
      .leftJoin(s.table, s.column('id'), l.column('soundId'))
      .where(l.column('stationId'), this.stationId)
      .where(l.column('type'), 'on_air')
      .whereNull(l.column('trackId'))
      .orderBy(l.column('date'), 'desc')
      .select(...l.qualified('date', 'comment'), s.column('path'))
      .first()
    return row ? { date: ms(row.date), path: row.path ?? row.comment ?? null } : null
  }

  /** Track ids already logged since `from` (after a monitor restart mid-sound). */
  async loggedTracksSince(from: number): Promise<Set<number>> {
    const l = logColumns
    const rows = await db
      .from(l.table)
      .where(l.name('stationId'), this.stationId)
      .where(l.name('type'), 'on_air')
      .whereNotNull(l.name('trackId'))
      .where(l.name('date'), '>=', sqlDateTime(DateTime.fromMillis(from - 1000)))
      .select(l.name('trackId'))
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
