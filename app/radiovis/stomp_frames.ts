/*
| STOMP 1.0–1.2 frames, as the RadioVIS server reads and writes them. Pure:
| feed it the bytes as they come, it hands back whole frames and the
| heart-beats between them.
|
| Written here rather than taken from a package: the STOMP servers on npm are
| unmaintained, and the clients' codecs do not parse what clients send. The
| grammar is small (stomp.github.io/stomp-specification-1.2.html, "Augmented
| BNF"); what matters is refusing hostile input early, so every limit is
| checked before a byte is kept.
*/

export interface StompFrame {
  command: string
  /** The first value of each header wins (STOMP 1.2, "Repeated Header Entries"). */
  headers: Record<string, string>
  body: Buffer
}

export interface FrameLimits {
  /** Bytes of the command and headers of one frame. */
  headerBytes: number
  /** Headers of one frame. */
  headers: number
  /** Bytes of one body. */
  bodyBytes: number
}

export const DEFAULT_LIMITS: FrameLimits = { headerBytes: 8192, headers: 64, bodyBytes: 65_536 }

/** A frame the server cannot read: answered with an ERROR frame, then the connection closes. */
export class StompProtocolError extends Error {}

const COMMANDS = new Set([
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
])

const LF = 0x0a
const CR = 0x0d
const NUL = 0x00

/** What one `feed` found: frames in order, and how many heart-beats (bare EOLs) came. */
export interface Parsed {
  frames: StompFrame[]
  heartbeats: number
}

export class StompParser {
  #buffer: Buffer = Buffer.alloc(0)
  /** Header values are escaped from STOMP 1.1 on, never in CONNECT (the version is not known yet). */
  #version = '1.0'

  constructor(private limits: FrameLimits = DEFAULT_LIMITS) {}

  /** The version agreed by CONNECTED: it decides header escaping. */
  set version(version: string) {
    this.#version = version
  }

  feed(chunk: Buffer): Parsed {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk
    const parsed: Parsed = { frames: [], heartbeats: 0 }
    for (;;) {
      // Heart-beats, and the EOLs a frame may be followed by.
      let start = 0
      while (start < this.#buffer.length) {
        const byte = this.#buffer[start]
        if (byte === LF) {
          parsed.heartbeats++
          start++
        } else if (byte === CR && this.#buffer[start + 1] === LF) {
          parsed.heartbeats++
          start += 2
        } else break
      }
      this.#buffer = this.#buffer.subarray(start)
      const frame = this.#next()
      if (!frame) return parsed
      parsed.frames.push(frame)
    }
  }

  /** One whole frame from the start of the buffer, or null until more bytes come. */
  #next(): StompFrame | null {
    const buffer = this.#buffer
    if (!buffer.length) return null
    const end = headEnd(buffer, this.limits.headerBytes)
    if (end === null) {
      if (buffer.length > this.limits.headerBytes) {
        throw new StompProtocolError(`headers over ${this.limits.headerBytes} bytes`)
      }
      return null
    }
    const lines = buffer
      .subarray(0, end.at)
      .toString('utf8')
      .split('\n')
      .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    const command = lines.shift()!
    if (!COMMANDS.has(command))
      throw new StompProtocolError(`unknown command "${command.slice(0, 32)}"`)
    if (lines.length > this.limits.headers) {
      throw new StompProtocolError(`more than ${this.limits.headers} headers`)
    }
    const escaped = this.#version !== '1.0' && command !== 'CONNECT' && command !== 'STOMP'
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      if (colon <= 0)
        throw new StompProtocolError(`a header without a name: "${line.slice(0, 32)}"`)
      const name = escaped ? unescape(line.slice(0, colon)) : line.slice(0, colon)
      const value = escaped ? unescape(line.slice(colon + 1)) : line.slice(colon + 1)
      if (!(name in headers)) headers[name] = value
    }

    const bodyStart = end.at + end.length
    let bodyEnd: number
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'])
      if (!/^\d+$/.test(headers['content-length']) || length > this.limits.bodyBytes) {
        throw new StompProtocolError(
          `content-length "${headers['content-length'].slice(0, 16)}" refused`
        )
      }
      if (buffer.length < bodyStart + length + 1) return null
      bodyEnd = bodyStart + length
      if (buffer[bodyEnd] !== NUL)
        throw new StompProtocolError('the body does not end where content-length says')
    } else {
      const nul = buffer.indexOf(NUL, bodyStart)
      if (nul === -1) {
        if (buffer.length - bodyStart > this.limits.bodyBytes) {
          throw new StompProtocolError(`body over ${this.limits.bodyBytes} bytes`)
        }
        return null
      }
      bodyEnd = nul
    }
    const body = Buffer.from(buffer.subarray(bodyStart, bodyEnd))
    this.#buffer = buffer.subarray(bodyEnd + 1)
    return { command, headers, body }
  }
}

/** Where the blank line after the headers is (LF LF, or with CRs), within the first `limit` bytes. */
function headEnd(buffer: Buffer, limit: number): { at: number; length: number } | null {
  const scan = Math.min(buffer.length, limit + 4)
  for (let i = 0; i < scan; i++) {
    if (buffer[i] !== LF) continue
    if (buffer[i + 1] === LF) return { at: i, length: 2 }
    if (buffer[i + 1] === CR && buffer[i + 2] === LF) return { at: i, length: 3 }
  }
  return null
}

const UNESCAPE: Record<string, string> = { 'r': '\r', 'n': '\n', 'c': ':', '\\': '\\' }

function unescape(text: string): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    const out = UNESCAPE[c]
    // STOMP 1.2: "Undefined escape sequences ... MUST be treated as a fatal protocol error."
    if (out === undefined) throw new StompProtocolError(`undefined escape "\\${c}" in a header`)
    return out
  })
}

function escape(text: string): string {
  return text.replace(
    /[\\\r\n:]/g,
    (c) => ({ '\\': '\\\\', '\r': '\\r', '\n': '\\n', ':': '\\c' })[c]!
  )
}

/**
 * One frame to send. Headers are escaped from 1.1 on, except in CONNECTED;
 * a body gets its content-length, so that receivers need not scan for NUL.
 */
export function encodeFrame(
  command: string,
  headers: Record<string, string>,
  body: string | Buffer = '',
  version = '1.2'
): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  const escaped = version !== '1.0' && command !== 'CONNECTED'
  const all = bytes.length ? { ...headers, 'content-length': String(bytes.length) } : headers
  const head = Object.entries(all)
    .map(([name, value]) => (escaped ? `${escape(name)}:${escape(value)}` : `${name}:${value}`))
    .join('\n')
  return Buffer.concat([
    Buffer.from(`${command}\n${head}${head ? '\n' : ''}\n`, 'utf8'),
    bytes,
    Buffer.from([NUL]),
  ])
}

/**
 * The version both sides speak: the highest of the client's `accept-version`
 * this server knows; a CONNECT without it is STOMP 1.0. Null: none in common.
 */
export function negotiateVersion(acceptVersion: string | undefined): string | null {
  if (acceptVersion === undefined) return '1.0'
  const offered = new Set(acceptVersion.split(',').map((v) => v.trim()))
  return ['1.2', '1.1', '1.0'].find((v) => offered.has(v)) ?? null
}

/**
 * Heart-beats as agreed (STOMP 1.1 "Heart-beating"): the client's `cx,cy` and
 * the server's `sx,sy` give how often the server sends (max(sx, cy), 0: never)
 * and how long it waits for the client before calling it dead (max(cx, sy),
 * with room for the network: the spec leaves the margin to the server).
 */
export function negotiateHeartbeat(
  client: string | undefined,
  server: { send: number; expect: number }
): { send: number; expect: number } {
  const [cx, cy] = (client ?? '0,0').split(',').map((v) => Number(v.trim()))
  if (!Number.isInteger(cx) || !Number.isInteger(cy) || cx < 0 || cy < 0) {
    throw new StompProtocolError(`heart-beat "${(client ?? '').slice(0, 32)}" refused`)
  }
  return {
    send: cy === 0 || server.send === 0 ? 0 : Math.max(server.send, cy),
    expect: cx === 0 || server.expect === 0 ? 0 : Math.max(server.expect, cx),
  }
}
