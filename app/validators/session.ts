/*
| The staff login form. The password is not checked against the policy
| here: an old one that breaks it must still let its owner in.
*/
import vine from '@vinejs/vine'

export const loginValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().maxLength(254),
    password: vine.string().maxLength(200),
  })
)
