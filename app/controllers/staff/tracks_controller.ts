import type { HttpContext } from '@adonisjs/core/http'
import { readFile } from 'node:fs/promises'
import { tracklistCsvValidator, tracklistValidator } from '#validators/track'
import { discard, receiveFile } from '#cms/upload_staging'
import { trackRows } from '#cms/tracklist_editor'
import { saveTracklist, type TrackRow } from '#library/tracklist_import'
import { parseTracklistCsv } from '#library/tracklist_csv'
import { InvalidArgumentException } from '#exceptions/domain'
import { attempt, validated } from '#controllers/staff/form'
import { findTracklistFor } from '#policies/find_for_staff'

/** A tracklist CSV of a few thousand rows is far below this. */
const CSV_MAX_BYTES = 1024 * 1024

/**
 * The rows of the tracklist form, in their order: each row has a `position`
 * (the order without JavaScript; the page's buttons renumber them), and rows
 * left blank are dropped.
 */
export function tracklistRows(body: Record<string, any>) {
  const rows: Array<Record<string, unknown>> = Array.isArray(body.tracks)
    ? body.tracks
    : Object.values(body.tracks ?? {})
  const blank = (row: Record<string, unknown>) =>
    ['title', 'artist', 'album', 'timestamp', 'tags', 'info'].every(
      (k) => row[k] === null || row[k] === undefined || row[k] === ''
    )
  return {
    tracks: rows
      .filter((row) => row && typeof row === 'object' && !blank(row))
      .map((row, index) => ({ row, index, position: Number(row.position) }))
      .sort(
        (a, b) =>
          (Number.isFinite(a.position) ? a.position : a.index) -
            (Number.isFinite(b.position) ? b.position : b.index) || a.index - b.index
      )
      .map(({ row }) => ({ ...row, position: undefined }) as Record<string, unknown>),
  }
}

export default class TracksController {
  /** Saves an episode's tracklist (its running order) or a sound's (timestamped) as the form lists it. */
  async save(ctx: HttpContext) {
    const { key } = await findTracklistFor(ctx.access, ctx.params.kind, ctx.params.id)
    const { tracks } = await validated(ctx, tracklistValidator, tracklistRows(ctx.request.body()))
    // A timestamp after the end of the sound comes back as the form's message.
    const failed = await attempt(
      ctx,
      () => saveTracklist(key, trackRows(tracks)),
      ctx.i18n.t('staff.tracks.saved', { count: tracks.length })
    )
    return failed ?? ctx.response.redirect().back()
  }

  /**
   * Replaces a sound's or an episode's tracklist with an uploaded CSV
   * (Aircox's format); a malformed file changes nothing and names its line.
   */
  async csv(ctx: HttpContext) {
    const { key } = await findTracklistFor(ctx.access, ctx.params.kind, ctx.params.id)
    const staged = await receiveFile(ctx.request, 'csv', CSV_MAX_BYTES)
    let tracks: TrackRow[]
    try {
      const { csv } = await validated(ctx, tracklistCsvValidator, { csv: staged ?? undefined })
      tracks = parseTracklistCsv(await readFile(csv.path, 'utf8'))
    } catch (error) {
      if (!(error instanceof InvalidArgumentException)) throw error
      ctx.session.flash('problem', error.message)
      return ctx.response.redirect().back()
    } finally {
      await discard(staged)
    }
    const failed = await attempt(
      ctx,
      () => saveTracklist(key, tracks),
      ctx.i18n.t('staff.tracks.saved', { count: tracks.length })
    )
    return failed ?? ctx.response.redirect().back()
  }
}
