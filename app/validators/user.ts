/*
| A staff account, from the users pages and `users:create`: a new one needs
| a password; an edit keeps the stored one when the field is left empty.
*/
import vine from '@vinejs/vine'
import { USER_ROLES } from '#models/user'
import { password } from '#validators/rules'

const userFields = {
  email: vine.string().trim().toLowerCase().email().maxLength(254),
  fullName: vine.string().trim().maxLength(200).nullable().optional(),
  role: vine.enum(USER_ROLES),
  stationIds: vine.array(vine.number().withoutDecimals()).optional(),
  programIds: vine.array(vine.number().withoutDecimals()).optional(),
}

export const userCreateValidator = vine.compile(
  vine.object({ ...userFields, password: password() })
)

export const userUpdateValidator = vine.compile(
  vine.object({ ...userFields, password: password().nullable().optional() })
)
