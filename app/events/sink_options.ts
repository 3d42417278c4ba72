/*
| A sink's free options (Flussonic: "every other option in the block is passed
| on to the receiver"), as pure functions. Two of them are Antenne's own and
| are not passed on:
| - `sign`: how an http sink signs its body, `hmac` (the default: HMAC-SHA256,
|   with a timestamp) or `sha1` (Flussonic's: SHA1 of the body then the key);
| - `args`: where an http sink puts the others, `query` (the default: query
|   parameters of the POST) or `body` (`{"args": {...}, "events": [...]}`).
| The CMS edits them as `key=value` lines, the sinks file as a JSON object.
| Keys and values end up in URLs, headers and mail, so they are kept tame:
| plain keys, one-line values, a bounded number.
*/
export type SinkOptions = Record<string, string>

export const MAX_OPTIONS = 32
export const MAX_OPTION_VALUE = 1000
const KEY = /^[a-z_][a-z0-9_.-]{0,63}$/i
// Control characters (newlines, NUL, escape...) have no place in a query string or a header.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g

export const SIGN_SCHEMES = ['hmac', 'sha1'] as const
export type SignScheme = (typeof SIGN_SCHEMES)[number]
export const ARGS_PLACES = ['query', 'body'] as const
export type ArgsPlace = (typeof ARGS_PLACES)[number]

export class SinkOptionsError extends Error {}

/** Checks options from any source (form lines, JSON file); one clear error for the first fault. */
export function checkOptions(entries: Array<[string, unknown]>): SinkOptions {
  if (entries.length > MAX_OPTIONS)
    throw new SinkOptionsError(`at most ${MAX_OPTIONS} options, not ${entries.length}`)
  const options: SinkOptions = {}
  for (const [key, raw] of entries) {
    if (!KEY.test(key))
      throw new SinkOptionsError(
        `option "${printable(key)}": a name is a letter or _ then letters, digits, _ . - (64 at most)`
      )
    if (Object.hasOwn(options, key)) throw new SinkOptionsError(`option "${key}" is given twice`)
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
      throw new SinkOptionsError(`option "${key}": a value is text, a number or true/false`)
    const value = String(raw)
    if (value.length > MAX_OPTION_VALUE)
      throw new SinkOptionsError(`option "${key}": ${MAX_OPTION_VALUE} characters at most`)
    if (CONTROL.test(value))
      throw new SinkOptionsError(`option "${key}": a value is one line, without control characters`)
    options[key] = value
  }
  if (options.sign !== undefined && !(SIGN_SCHEMES as readonly string[]).includes(options.sign))
    throw new SinkOptionsError(`option "sign": ${SIGN_SCHEMES.join(' or ')}, not "${options.sign}"`)
  if (options.args !== undefined && !(ARGS_PLACES as readonly string[]).includes(options.args))
    throw new SinkOptionsError(`option "args": ${ARGS_PLACES.join(' or ')}, not "${options.args}"`)
  return options
}

/** Parses `key=value` lines (blank lines and `#` comments skipped); the value is the rest of the line. */
export function parseOptions(text: string | null | undefined): SinkOptions {
  if (!text) return {}
  const entries: Array<[string, string]> = []
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0)
      throw new SinkOptionsError(`line ${index + 1}: "${printable(line)}" is not key=value`)
    entries.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()])
  }
  return checkOptions(entries)
}

/** The lines the form shows back. */
export function formatOptions(options: SinkOptions | null | undefined): string {
  return Object.entries(options ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')
}

/** What an http sink does with its options: its own settings apart, the rest for the receiver. */
export function httpOptions(options: SinkOptions | null | undefined) {
  const { sign, args, ...passed } = options ?? {}
  return {
    sign: (sign ?? 'hmac') as SignScheme,
    args: (args ?? 'query') as ArgsPlace,
    passed,
  }
}

/** A hostile name shown in an error without breaking the line it is printed on. */
function printable(text: string) {
  const flat = text.replace(CONTROL_ALL, '?')
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat
}
