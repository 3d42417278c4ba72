/*
| An edge relay, from the CMS form or `edges:add` (the model's rules,
| app/models/edge.ts, hold whoever saves one). Passwords are never taken
| from a form or a flag: they are made (edge_registry.ts), or come from the
| environment for `edges:add`, since a command line is readable by every
| local user.
*/
import vine from '@vinejs/vine'
import { checkbox } from '#validators/rules'

export const edgeFields = {
  name: vine
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  host: vine
    .string()
    .trim()
    .maxLength(255)
    .regex(/^([A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[?[0-9a-fA-F:]+\]?)$/),
  port: vine.number().withoutDecimals().range([1, 65535]),
  region: vine
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
    .nullable()
    .optional(),
  publicUrl: vine
    .string()
    .trim()
    .maxLength(500)
    .regex(/^https?:\/\/[^\s"'<>]+$/)
    .nullable()
    .optional(),
  adminUser: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  /** Slugs of the stations it relays; none: every active station. */
  stations: vine.array(vine.string().trim().maxLength(64)).optional(),
}

export const edgeValidator = vine.compile(vine.object(edgeFields))

/** The CMS form: checkboxes and an "all stations" switch. */
export const edgeFormValidator = vine.compile(
  vine.object({
    ...edgeFields,
    allStations: checkbox(),
    active: checkbox(),
  })
)
