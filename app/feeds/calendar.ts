/*
| iCalendar (RFC 5545) of a station's timetable: one VEVENT per diffusion,
| in UTC, so that any calendar shows it in its reader's zone.
*/
export interface CalendarEvent {
  /** Stable across fetches, hosts and renames: a calendar keeps events by it. */
  uid: string
  start: Date
  end: Date
  summary: string
  url: string
  description?: string
  /** A cancelled diffusion stays in the feed, so that calendars strike it out instead of keeping it. */
  cancelled?: boolean
  /** How many times its time or status changed (RFC 5545 SEQUENCE). */
  sequence?: number
  /** The last change of the event or what it shows (its program's, its episode's). */
  lastModified: Date
  /** The UID of the first airing, for a rerun. */
  rerunOf?: string
}

// eslint-disable-next-line no-control-regex -- matching them is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g

/**
 * TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545
 * §3.3.11); other control characters are not allowed in TEXT and are dropped,
 * so that a lone CR in a title cannot start a line of its own in any reader.
 */
export function escapeText(text: string) {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(CONTROL, '')
}

/** Lines longer than 75 octets are folded: CRLF then one space (§3.1). */
export function foldLine(line: string) {
  const bytes = Buffer.from(line, 'utf8')
  if (bytes.length <= 75) return line
  const parts: string[] = []
  let start = 0
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + (parts.length ? 74 : 75))
    // Never cut inside a UTF-8 sequence.
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--
    parts.push(bytes.subarray(start, end).toString('utf8'))
    start = end
  }
  return parts.join('\r\n ')
}

const stamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

/**
 * Without a METHOD, DTSTAMP is the event's last revision (RFC 5545 §3.8.7.2),
 * not the fetch: the same programme renders the same bytes, hence one ETag.
 */
export function renderCalendar(name: string, events: CalendarEvent[]) {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Antenne//Timetable//EN',
    'CALSCALE:GREGORIAN',
    `X-WR-CALNAME:${escapeText(name)}`,
  ]
  for (const event of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `DTSTAMP:${stamp(event.lastModified)}`,
      `LAST-MODIFIED:${stamp(event.lastModified)}`,
      `SEQUENCE:${event.sequence ?? 0}`,
      `DTSTART:${stamp(event.start)}`,
      `DTEND:${stamp(event.end)}`,
      `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
      `SUMMARY:${escapeText(event.summary)}`,
      `URL:${event.url}`,
      ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
      ...(event.rerunOf ? [`RELATED-TO;RELTYPE=SIBLING:${event.rerunOf}`, 'CATEGORIES:RERUN'] : []),
      'END:VEVENT'
    )
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join('\r\n') + '\r\n'
}
