import type { HttpContext } from '@adonisjs/core/http'
import antenneConfig from '#config/antenne'
import Episode from '#models/episode'
import Station from '#models/station'
import { imageUploadValidator } from '#validators/image'
import { discard, receiveFile } from '#cms/upload_staging'
import { setImage, type ImageOwner } from '#cms/image_upload'
import { attempt, validated } from '#controllers/staff/form'
import { findOfProgramFor, findProgramFor } from '#policies/find_for_staff'

type Kind = 'programs' | 'episodes' | 'stations'

/** The record whose image this is, if this user may change it (as its own form says). */
async function ownerOf({ access, params }: HttpContext): Promise<ImageOwner> {
  const kind = params.kind as Kind
  if (kind === 'programs')
    return findProgramFor(access, params.id, 'managesProgram', 'this program')
  if (kind === 'episodes')
    return findOfProgramFor(access, Episode, params.id, 'hostsProgram', 'this episode')
  access.authorize(access.isAdmin, 'stations')
  return Station.findOrFail(params.id)
}

/** A program's or an episode's cover, a station's logo (`kind`: programs, episodes, stations). */
export default class ImagesController {
  /** Receives the picture once the user may change the record; a refused one changes nothing. */
  async store(ctx: HttpContext) {
    const owner = await ownerOf(ctx)
    const staged = await receiveFile(ctx.request, 'image', antenneConfig.images.maxBytes)
    try {
      await validated(ctx, imageUploadValidator, {
        image: (staged && ctx.request.file('image')) ?? undefined,
      })
      const failed = await attempt(
        ctx,
        () => setImage(owner, staged!.path, (problem) => ctx.i18n.t(`staff.images.${problem}`)),
        ctx.i18n.t('staff.images.saved')
      )
      return failed ?? ctx.response.redirect().back()
    } finally {
      await discard(staged)
    }
  }

  async destroy(ctx: HttpContext) {
    const owner = await ownerOf(ctx)
    await setImage(owner, null)
    ctx.session.flash('notice', ctx.i18n.t('staff.images.removed'))
    return ctx.response.redirect().back()
  }
}
