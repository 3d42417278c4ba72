/*
| Aircox's tracklist CSV: `artist;title;minutes;seconds;tags;info`, `;` as
| delimiter, `"` as quote (doubled inside a quoted field), `#` comments and
| blank lines skipped, a BOM tolerated. Minutes and seconds give the track's
| timestamp in the sound; both empty means no timestamp, and at most 24 h
| (app/library/track_timestamp.ts).
*/
import { InvalidArgumentException } from '#exceptions/domain'
import { MAX_TRACK_TIMESTAMP, timestampProblem } from '#library/track_timestamp'

export interface TracklistRow {
  /** 1-based line in the file, for error messages. */
  line: number
  artist: string | null
  title: string
  timestamp: number | null
  tags: string | null
  info: string | null
}

/** Splits one line into fields; throws on an unterminated quote. */
function fields(text: string, line: number): string[] {
  const out: string[] = []
  let field = ''
  let quoted = false
  let wasQuoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') {
        quoted = false
      } else {
        field += ch
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true
      wasQuoted = true
      field = ''
    } else if (ch === ';') {
      out.push(wasQuoted ? field : field.trim())
      field = ''
      wasQuoted = false
    } else {
      field += ch
    }
  }
  if (quoted) throw new InvalidArgumentException(`line ${line}: a quoted field is not closed`)
  out.push(wasQuoted ? field : field.trim())
  return out
}

function count(value: string, what: string, line: number): number | null {
  if (value === '') return null
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentException(
      `line ${line}: ${what} must be a whole number, not "${value}"`
    )
  return Number(value)
}

export function parseTracklistCsv(text: string): TracklistRow[] {
  const rows: TracklistRow[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  for (const [index, raw] of lines.entries()) {
    const line = index + 1
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const [artist = '', title = '', minutes = '', seconds = '', tags = '', info = '', ...extra] =
      fields(raw, line)
    if (extra.some((value) => value !== '')) {
      throw new InvalidArgumentException(
        `line ${line}: ${6 + extra.length} fields, expected at most 6 (artist;title;minutes;seconds;tags;info)`
      )
    }
    if (title === '')
      throw new InvalidArgumentException(`line ${line}: the title (second field) is empty`)
    const m = count(minutes, 'minutes', line)
    const s = count(seconds, 'seconds', line)
    if (s !== null && s >= 60 && m !== null)
      throw new InvalidArgumentException(`line ${line}: seconds must be under 60, not ${s}`)
    const timestamp = m === null && s === null ? null : (m ?? 0) * 60 + (s ?? 0)
    // The sound's own duration is checked where the tracks are stored (replaceTracklist).
    const problem = timestampProblem([{ line, title, timestamp }], MAX_TRACK_TIMESTAMP)
    if (problem) throw new InvalidArgumentException(problem)
    rows.push({
      line,
      artist: artist || null,
      title,
      timestamp,
      tags: tags || null,
      info: info || null,
    })
  }
  return rows
}
