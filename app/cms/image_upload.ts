/*
| A cover or a logo set in the CMS: the staged upload is checked and stored
| (app/images/image_store.ts) before the record takes its hash, so a refused
| picture leaves the record as it was. Files of an image no record uses any
| more are removed; the same picture on two records is one set of files.
*/
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import Program from '#models/program'
import Episode from '#models/episode'
import Station from '#models/station'
import { InvalidRecordException } from '#exceptions/domain'
import { RENDITION_NAMES, parseRenditionFile, type PictureProblem } from '#images/image_renditions'
import { ImageRefusedException, imagesDir, renditionPath, storeImageNow } from '#images/image_store'
import { queueImageJob } from '#images/image_queue'

export type ImageOwner = Program | Episode | Station

const column = (owner: ImageOwner) => (owner instanceof Station ? 'logo' : 'image')

/** Whether any program, episode or station still shows this image. */
async function inUse(hash: string) {
  for (const [table, name] of [
    ['programs', 'image'],
    ['episodes', 'image'],
    ['stations', 'logo'],
  ])
    if (await db.from(table).where(name, hash).first()) return true
  return false
}

/**
 * Sets (or, with null, removes) the record's image from the picture staged
 * at `source`. A refused picture is an InvalidRecordException worded by
 * `explain` (the CMS's language).
 */
export function setImage(
  owner: ImageOwner,
  source: string | null,
  explain: (problem: PictureProblem) => string = (problem) => problem
) {
  // One job from the files written to the record saved and the old files
  // removed: nothing else stores or removes an image meanwhile (image_queue.ts).
  return queueImageJob(`set ${column(owner)} of ${owner.constructor.name} ${owner.id}`, () =>
    setImageNow(owner, source, explain)
  )
}

async function setImageNow(
  owner: ImageOwner,
  source: string | null,
  explain: (problem: PictureProblem) => string
) {
  let hash: string | null = null
  if (source) {
    try {
      hash = await storeImageNow(source)
    } catch (error) {
      if (error instanceof ImageRefusedException)
        throw new InvalidRecordException(explain(error.problem))
      throw error
    }
  }
  const key = column(owner)
  const previous = owner instanceof Station ? owner.logo : owner.image
  if (owner instanceof Station) owner.logo = hash
  else owner.image = hash
  await owner.save()
  if (previous && previous !== hash && !(await inUse(previous)))
    await Promise.all(
      RENDITION_NAMES.map((rendition) => rm(renditionPath(previous, rendition), { force: true }))
    )
  return { column: key, hash }
}

/**
 * Removes the files of every image no program, episode or station shows any
 * more: after a deletion, whose cascades (a program's episodes) run no model
 * hook. Queued like the uploads, so a picture being set is never swept.
 */
export function sweepUnusedImages() {
  return queueImageJob('sweep unused images', async () => {
    const dir = await imagesDir()
    const used = new Set<string>()
    for (const [table, name] of [
      ['programs', 'image'],
      ['episodes', 'image'],
      ['stations', 'logo'],
    ])
      for (const row of await db.from(table).whereNotNull(name).distinct(name)) used.add(row[name])
    let removed = 0
    for (const file of await readdir(dir)) {
      const image = parseRenditionFile(file)
      if (!image || used.has(image.hash)) continue
      await rm(join(dir, file), { force: true })
      removed++
    }
    return removed
  })
}
