/*
| VineJS rules for the domain's own value shapes, checked by the same pure
| functions the schedule engine uses.
*/
import vine from '@vinejs/vine'
import { isValidDate, isValidTime, isValidZone } from '#scheduling/recurrence'
import { MAX_TRACK_TIMESTAMP } from '#library/track_timestamp'
import { stationTopics } from '#radiovis/topics'
import { MIN_PASSWORD_LENGTH, passwordProblem, type PasswordProblem } from '#cms/password_policy'

const zoneRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !isValidZone(value))
    field.report(
      'The {{ field }} field must be an IANA time zone, such as Europe/Brussels',
      'zone',
      field
    )
})
const dateRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !isValidDate(value))
    field.report('The {{ field }} field must be a date (YYYY-MM-DD)', 'calendarDate', field)
})
const timeRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !isValidTime(value))
    field.report('The {{ field }} field must be a time (HH:MM)', 'clockTime', field)
})

const trackTimestampRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const seconds = value.split(':').reduce((total, part) => total * 60 + Number(part), 0)
  if (seconds > MAX_TRACK_TIMESTAMP)
    field.report(
      'The {{ field }} field must be a time in the sound, at most 24:00:00',
      'trackTimestamp',
      field
    )
})

const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  passwordLength: `The {{ field }} field must have at least ${MIN_PASSWORD_LENGTH} characters`,
  passwordOneKind: 'The {{ field }} must not be only digits or only symbols',
  passwordRepeated: 'The {{ field }} must not be one character or a few repeated',
  passwordCommon: 'This {{ field }} is too common: choose another one',
  passwordEmail: 'The {{ field }} must not contain the email address',
}
const passwordRule = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const email = (field.parent as Record<string, unknown> | undefined)?.email
  const problem = passwordProblem(value, typeof email === 'string' ? email : null)
  if (problem) field.report(PASSWORD_MESSAGES[problem], problem, field)
})

const radiovisTopicRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !stationTopics(value))
    field.report(
      'The {{ field }} field must be a RadioVIS topic, such as /topic/fm/ce1/c479/09580',
      'radiovisTopic',
      field
    )
})

export const zone = () => vine.string().trim().use(zoneRule())
/** A station's RadioVIS topic base: its /text and /image are what receivers subscribe to. */
export const radiovisTopic = () => vine.string().trim().maxLength(255).use(radiovisTopicRule())
export const calendarDate = () => vine.string().trim().use(dateRule())
export const clockTime = () => vine.string().trim().use(timeRule())
/** URL-safe lowercase words: a-z, 0-9 and dashes. */
export const slug = () =>
  vine
    .string()
    .trim()
    .toLowerCase()
    .maxLength(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
/** An HTML checkbox: "on" when ticked, absent when not. */
export const checkbox = () => vine.boolean().optional()
/**
 * Where a track starts in its sound: seconds, m:ss or h:mm:ss, whole seconds
 * up to 24 h. The sound's own duration bounds it further where the tracks are
 * stored (replaceTracklist), which knows the sound.
 */
export const trackTimestamp = () =>
  vine
    .string()
    .trim()
    .regex(/^(\d{1,6}|\d{1,5}:[0-5]\d|\d{1,3}:[0-5]\d:[0-5]\d)$/)
    .use(trackTimestampRule())

/** A staff password, as app/cms/password_policy.ts wants it (its email a sibling field). */
export const password = () =>
  vine.string().minLength(MIN_PASSWORD_LENGTH).maxLength(200).use(passwordRule())

/**
 * An upload's file once staged (app/cms/upload_staging.ts): the body is read
 * by the controller after the user's rights are checked, so the validator
 * sees where it was put, not the multipart file.
 */
export const staged = () =>
  vine.object({ path: vine.string(), clientName: vine.string(), size: vine.number() })
