import type { HttpContext } from '@adonisjs/core/http'
import { readFile } from 'node:fs/promises'
import Episode from '#models/episode'
import Sound from '#models/sound'
import { tracklistCsvValidator, tracklistValidator } from '#validators/staff'
import { formatTimestamp, replaceTracks, type TrackInput } from '#staff/tracklist_editor'
import { parseTracklistCsv } from '#library/tracklist_csv'
import { InvalidArgumentException } from '#exceptions/domain'
import { validated } from '#controllers/staff/form'

/**
 * The rows of the tracklist form, in their order: each row has a `position`
 * (the order without JavaScript; the page's buttons renumber them), and rows
 * left blank are dropped.
 */
export function tracklistRows(body: Record<string, any>) {
  const rows: Array<Record<string, unknown>> = Array.isArray(body.tracks) ? body.tracks : Object.values(body.tracks ?? {})
  const blank = (row: Record<string, unknown>) => ['title', 'artist', 'album', 'timestamp', 'tags', 'info'].every((k) => row[k] === null || row[k] === undefined || row[k] === '')
  return {
    tracks: rows
      .filter((row) => row && typeof row === 'object' && !blank(row))
      .map((row, index) => ({ row, index, position: Number(row.position) }))
      .sort((a, b) => (Number.isFinite(a.position) ? a.position : a.index) - (Number.isFinite(b.position) ? b.position : b.index) || a.index - b.index)
      .map(({ row }) => ({ ...row, position: undefined }) as Record<string, unknown>),
  }
}

export default class TracksController {
  /** Saves an episode's tracklist as the form lists it. */
  async episode(ctx: HttpContext) {
    const episode = await Episode.query().where('id', ctx.params.id).preload('program').firstOrFail()
    ctx.access.authorize(ctx.access.hostsProgram(episode.program), 'this episode')
    const { tracks } = await validated(ctx, tracklistValidator, tracklistRows(ctx.request.body()))
    await replaceTracks({ episodeId: episode.id }, tracks)
    ctx.session.flash('notice', ctx.i18n.t('staff.tracks.saved', { count: tracks.length }))
    return ctx.response.redirect().back()
  }

  /** Saves a sound's timestamped tracklist. */
  async sound(ctx: HttpContext) {
    const sound = await Sound.query().where('id', ctx.params.id).preload('program').firstOrFail()
    ctx.access.authorize(ctx.access.hostsProgram(sound.program), 'this sound')
    const { tracks } = await validated(ctx, tracklistValidator, tracklistRows(ctx.request.body()))
    await replaceTracks({ soundId: sound.id }, tracks)
    ctx.session.flash('notice', ctx.i18n.t('staff.tracks.saved', { count: tracks.length }))
    return ctx.response.redirect().back()
  }

  /**
   * Replaces a sound's or an episode's tracklist with an uploaded CSV
   * (Aircox's format); a malformed file changes nothing and names its line.
   */
  async csv(ctx: HttpContext) {
    const owner = ctx.params.kind === 'episodes' ? await Episode.query().where('id', ctx.params.id).preload('program').firstOrFail() : await Sound.query().where('id', ctx.params.id).preload('program').firstOrFail()
    ctx.access.authorize(ctx.access.hostsProgram(owner.program), 'this tracklist')
    const { csv } = await validated(ctx, tracklistCsvValidator, { csv: ctx.request.file('csv') })
    let tracks: TrackInput[]
    try {
      tracks = parseTracklistCsv(await readFile(csv.tmpPath!, 'utf8')).map((row) => ({
        title: row.title,
        artist: row.artist,
        timestamp: row.timestamp === null ? null : formatTimestamp(row.timestamp),
        tags: row.tags,
        info: row.info,
      }))
    } catch (error) {
      if (!(error instanceof InvalidArgumentException)) throw error
      ctx.session.flash('problem', error.message)
      return ctx.response.redirect().back()
    }
    await replaceTracks(ctx.params.kind === 'episodes' ? { episodeId: owner.id } : { soundId: owner.id }, tracks)
    ctx.session.flash('notice', ctx.i18n.t('staff.tracks.saved', { count: tracks.length }))
    return ctx.response.redirect().back()
  }
}
