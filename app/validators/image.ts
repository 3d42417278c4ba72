/*
| An image upload (a cover or a logo) once its body is read: a file of an
| accepted kind and size, by its content's magic bytes where they tell (the
| client's name otherwise). That it is a picture that decodes is checked by
| decoding it (app/images/image_store.ts).
*/
import vine from '@vinejs/vine'
import antenneConfig from '#config/antenne'
import { IMAGE_EXTENSIONS } from '#images/image_renditions'

export const imageUploadValidator = vine.compile(
  vine.object({
    image: vine.file({ size: antenneConfig.images.maxBytes, extnames: IMAGE_EXTENSIONS }),
  })
)
