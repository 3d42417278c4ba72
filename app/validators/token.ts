/*
| A personal API token's name, all the user chooses about it.
*/
import vine from '@vinejs/vine'

export const tokenValidator = vine.compile(
  vine.object({ name: vine.string().trim().minLength(1).maxLength(100) })
)
