import type { HttpContext } from '@adonisjs/core/http'
import Diffusion from '#models/diffusion'
import Episode from '#models/episode'
import { diffusionStateValidator } from '#validators/diffusion'
import { episodeValidator } from '#validators/episode'
import { tracklistValidator } from '#validators/track'
import { freeSlug } from '#cms/program_editor'
import { setDiffusionType } from '#cms/diffusion_editor'
import { editedDiffusion } from '#scheduling/schedule_changes'
import { trackRows } from '#cms/tracklist_editor'
import { saveTracklist } from '#library/tracklist_import'
import { findOfProgramFor, findProgramFor, findTracklistFor } from '#policies/find_for_staff'

/**
 * The write side of the JSON API, for a program's own tools (a studio
 * playlist, an automation): a personal token (`Authorization: Bearer ant_...`)
 * and the same roles as the CMS. Errors are JSON with a code.
 */
export default class ApiWriteController {
  /** POST /api/v1/programs/:id/episodes {title, slug?, content?} */
  async createEpisode({ request, params, access, response }: HttpContext) {
    const program = await findProgramFor(
      access,
      params.id,
      'hostsProgram',
      'the episodes of this program'
    )
    const input = await request.validateUsing(episodeValidator)
    const slug = await freeSlug(
      'episodes',
      { column: 'program_id', id: program.id },
      input.slug ?? input.title
    )
    const episode = await Episode.create({
      programId: program.id,
      title: input.title,
      slug,
      content: input.content ?? null,
    })
    return response.created({
      id: episode.id,
      programId: program.id,
      title: episode.title,
      slug: episode.slug,
    })
  }

  /** PATCH /api/v1/diffusions/:id {type: on_air | cancel} */
  async setDiffusionType({ request, params, access }: HttpContext) {
    const diffusion = await findOfProgramFor(
      access,
      Diffusion,
      params.id,
      'managesProgram',
      'the diffusions of this program',
      { withStation: true }
    )
    const { type } = await request.validateUsing(diffusionStateValidator)
    await editedDiffusion(diffusion, 'api', () =>
      setDiffusionType(diffusion, type, diffusion.program.station)
    )
    return {
      id: diffusion.id,
      type: diffusion.type,
      start: diffusion.start.toISO(),
      end: diffusion.end.toISO(),
      edited: diffusion.edited,
    }
  }

  /** PUT /api/v1/episodes/:id/tracks and /api/v1/sounds/:id/tracks {tracks: [{title, artist?, album?, timestamp?, tags?, info?}]} */
  async replaceTracks({ request, params, access }: HttpContext) {
    const kind = request.url().includes('/sounds/') ? 'sounds' : 'episodes'
    const { key } = await findTracklistFor(access, kind, params.id)
    const { tracks } = await request.validateUsing(tracklistValidator)
    await saveTracklist(key, trackRows(tracks))
    return { ...key, tracks: tracks.length }
  }
}
