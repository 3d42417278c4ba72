/*
| Mail sinks: smtp://user:password@host:port?from=...&to=...[&subject=...&secure=...]
| (smtps:// for TLS from the first byte). Each batch is ONE message, so a
| burst of events is one mail, not a flood: the subject gives the count and
| the worst level, the plain-text body one line per event.
|
| from, to, subject and secure may also be sink options (Flussonic's email
| example has `from` and `to` in the block); the URL wins. `to` takes several
| addresses separated by commas. secure: absent, STARTTLS when the server
| offers it; `true` (or smtps://), TLS from the start; `starttls`, STARTTLS
| required; `false`, never TLS (a relay on localhost).
*/
import { DateTime } from 'luxon'
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import { levelRank, type AntenneEvent } from '#events/event_types'
import type { SinkOptions } from '#events/sink_options'

const SECURE = ['true', 'tls', 'starttls', 'false', 'none'] as const

export interface MailSettings {
  transport: SMTPTransport.Options
  from: string
  to: string
  subject: string
}

/** The SMTP connection and the envelope a mail sink's URL and options describe; throws what is missing. */
export function mailSettings(url: string, options: SinkOptions, timeoutMs: number): MailSettings {
  const parsed = new URL(url)
  const setting = (name: string) => parsed.searchParams.get(name) || options[name] || null
  const from = setting('from')
  const to = setting('to')
  if (!from || !to)
    throw new Error(
      'a mail sink needs from= and to=: smtp://user:password@host:587?from=antenne@radio.example&to=ops@radio.example'
    )
  const secure = (setting('secure') ?? '').toLowerCase()
  if (secure && !(SECURE as readonly string[]).includes(secure))
    throw new Error(`a mail sink's secure= is ${SECURE.join(', ')}, not "${secure}"`)
  const tls = parsed.protocol === 'smtps:' || secure === 'true' || secure === 'tls'
  const transport: SMTPTransport.Options = {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : tls ? 465 : 587,
    secure: tls,
    requireTLS: secure === 'starttls',
    ignoreTLS: secure === 'false' || secure === 'none',
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  }
  if (parsed.username)
    transport.auth = {
      user: decodeURIComponent(parsed.username),
      pass: decodeURIComponent(parsed.password),
    }
  return { transport, from, to, subject: setting('subject') ?? 'Antenne' }
}

export function worstLevel(events: AntenneEvent[]): string {
  return events.reduce(
    (worst, e) => (levelRank(e.level) > levelRank(worst) ? e.level : worst),
    events[0].level as string
  )
}

/** "Antenne: 3 events, worst critical". */
export function mailSubject(prefix: string, events: AntenneEvent[]): string {
  const count = events.length === 1 ? '1 event' : `${events.length} events`
  return `${prefix}: ${count}, worst ${worstLevel(events)}`
}

/** A payload on one line: `key=value` pairs, long values cut, the whole bounded. */
export function payloadSummary(payload: Record<string, unknown>): string {
  const pairs = Object.entries(payload).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    const flat = (text ?? '').replace(/\s+/g, ' ')
    return `${key}=${flat.length > 80 ? `${flat.slice(0, 79)}…` : flat}`
  })
  const line = pairs.join(' ')
  return line.length > 300 ? `${line.slice(0, 299)}…` : line
}

/** One line per event, in order: time (UTC), station, level, type, payload. */
export function mailText(events: AntenneEvent[]): string {
  const lines = events.map((e) =>
    [
      `${DateTime.fromISO(e.at, { zone: 'utc' }).toFormat('yyyy-MM-dd HH:mm:ss')} UTC`,
      e.station ?? '-',
      e.level,
      e.type,
      payloadSummary(e.payload),
    ]
      .join('  ')
      .trimEnd()
  )
  return `${mailSubject('Antenne', events)}.\n\n${lines.join('\n')}\n`
}

/** A SinkTransport (checked where transportFor returns it: importing the type here would be a cycle). */
export class MailTransport {
  readonly settings: MailSettings
  readonly #mailer: Transporter<SMTPTransport.SentMessageInfo>

  constructor(url: string, timeoutMs: number, options: SinkOptions = {}) {
    this.settings = mailSettings(url, options, timeoutMs)
    this.#mailer = nodemailer.createTransport(this.settings.transport)
  }

  async send(events: AntenneEvent[]) {
    const { from, to, subject } = this.settings
    const info = await this.#mailer.sendMail({
      from,
      to,
      subject: mailSubject(subject, events),
      text: mailText(events),
    })
    // A server that takes the message but refuses every recipient has delivered nothing.
    if (info.accepted.length === 0)
      throw new Error(`SMTP refused every recipient: ${info.rejected.join(', ')}`)
  }

  async close() {
    this.#mailer.close()
  }
}
