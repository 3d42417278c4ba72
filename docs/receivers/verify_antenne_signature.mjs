/*
| Checking that a webhook request comes from Antenne (Node, no dependency).
| Copy the function of your sink's scheme; `rawBody` is the request body as
| received (a string or a Buffer: verify before parsing the JSON), `headers`
| the request's headers (lower-case names, as node:http gives them).
| tests/functional/event_sinks_flussonic.spec.ts runs these very functions.
*/
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** Compares in constant time, so that the signature cannot be guessed byte by byte. */
function same(received, expected) {
  const a = Buffer.from(String(received ?? ''))
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** `sign=sha1` (Flussonic's sign_key): X-Signature is the hex SHA1 of the body followed by the key. */
export function verifySha1(rawBody, headers, key) {
  const expected = createHash('sha1').update(rawBody).update(key).digest('hex')
  return same(headers['x-signature'], expected)
}

/**
 * The default scheme: X-Antenne-Signature is the hex HMAC-SHA256, with the
 * key, of `<X-Antenne-Timestamp>.<body>`; a request older (or newer) than
 * `toleranceSeconds` is refused, so a captured request cannot be replayed later.
 * (X-Signature, the HMAC of the body alone, is still sent for older receivers.)
 */
export function verifyHmac(
  rawBody,
  headers,
  key,
  { toleranceSeconds = 300, now = Date.now() } = {}
) {
  const timestamp = String(headers['x-antenne-timestamp'] ?? '')
  if (!/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const expected = createHmac('sha256', key).update(`${timestamp}.`).update(rawBody).digest('hex')
  return same(headers['x-antenne-signature'], expected)
}
