/*
| A client for Liquidsoap's server protocol (telnet or unix socket), with the
| framing measured on 2.1.3 (reference/liquidsoap.md §5): a reply is
| `<body>\r\nEND\r\n`, cut at the first terminator (never line by line: a
| variable may hold "END"); `quit` answers `Bye!` with no END; an idle client
| is dropped after 30 s with `Connection timed out.. Bye!`; an empty line gets
| no reply at all, so it is never sent.
*/
import net from 'node:net'
import { LiquidsoapCommandException, LiquidsoapUnreachableException } from '#exceptions/domain'

const TERMINATOR = '\r\nEND\r\n'
const GOODBYES = ['Bye!\r\n', 'Connection timed out.. Bye!\r\n']

/** Where a Liquidsoap server listens: a unix socket path, or host and port. */
export type ServerAddress = { path: string } | { host: string; port: number }

export function describeAddress(address: ServerAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`
}

/**
 * Cuts a byte stream into reply bodies. Pure: feed it chunks as they come,
 * it returns the complete bodies in order and keeps the rest.
 */
export class ReplyFramer {
  #buffer = ''

  feed(chunk: string): string[] {
    this.#buffer += chunk
    const bodies: string[] = []
    for (;;) {
      const end = this.#buffer.indexOf(TERMINATOR)
      if (end === -1) break
      bodies.push(this.#buffer.slice(0, end))
      this.#buffer = this.#buffer.slice(end + TERMINATOR.length)
    }
    // A goodbye line comes unframed, right before the server closes.
    for (const bye of GOODBYES) {
      if (this.#buffer.startsWith(bye)) this.#buffer = this.#buffer.slice(bye.length)
    }
    return bodies
  }

  get pending(): string {
    return this.#buffer
  }

  reset() {
    this.#buffer = ''
  }
}

/** A command line as Liquidsoap reads it: `name arg`, one line, not empty. */
export function commandLine(name: string, arg?: string): string {
  if (!/^[\w.-]+$/.test(name)) {
    throw new LiquidsoapCommandException(`invalid Liquidsoap command name "${name}"`)
  }
  if (arg !== undefined && /[\r\n]/.test(arg)) {
    throw new LiquidsoapCommandException(
      `a Liquidsoap command argument cannot span lines: ${JSON.stringify(arg)}`
    )
  }
  return arg === undefined || arg === '' ? `${name}\n` : `${name} ${arg}\n`
}

/** Liquidsoap's own error replies, and the sentinels of its built-in commands. */
export function replyError(body: string): string | null {
  const first = body.split('\n', 1)[0].trim()
  if (first.startsWith('ERROR:')) return first
  if (
    first === 'No such request.' ||
    first === 'Variable not found.' ||
    first === 'Syntax error or variable not found.'
  ) {
    return first
  }
  return null
}

type Waiter = {
  resolve: (body: string) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

export interface LiquidsoapClientOptions {
  /** Milliseconds to wait for a reply (measured medians are ~1 ms; budget for spikes). */
  timeout?: number
  /** Milliseconds to wait for a connection. */
  connectTimeout?: number
}

/**
 * One persistent connection, commands sent one at a time in order. A broken
 * connection fails the commands in flight and is opened again by the next
 * command, so a restarted Liquidsoap is picked up without ceremony.
 */
export class LiquidsoapClient {
  readonly address: ServerAddress
  readonly #timeout: number
  readonly #connectTimeout: number
  #socket: net.Socket | null = null
  #connecting: Promise<net.Socket> | null = null
  #framer = new ReplyFramer()
  #waiters: Waiter[] = []
  #chain: Promise<unknown> = Promise.resolve()

  constructor(address: ServerAddress, options: LiquidsoapClientOptions = {}) {
    this.address = address
    this.#timeout = options.timeout ?? 2000
    this.#connectTimeout = options.connectTimeout ?? 1000
  }

  get connected(): boolean {
    return this.#socket !== null
  }

  /** Sends one command and resolves with its reply body; rejects on Liquidsoap errors. */
  async command(name: string, arg?: string, timeout?: number): Promise<string> {
    const body = await this.raw(name, arg, timeout)
    const error = replyError(body)
    if (error) throw new LiquidsoapCommandException(`${name}${arg ? ' ' + arg : ''}: ${error}`)
    return body
  }

  /** Sends one command and resolves with its reply body as is; `timeout` (ms) overrides the client's. */
  raw(name: string, arg?: string, timeout?: number): Promise<string> {
    const line = commandLine(name, arg)
    const run = this.#chain.then(() => this.#send(line, timeout ?? this.#timeout))
    this.#chain = run.catch(() => {})
    return run
  }

  async #send(line: string, timeout: number): Promise<string> {
    const socket = await this.#connect()
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(
          new LiquidsoapUnreachableException(
            `Liquidsoap at ${describeAddress(this.address)} did not answer "${line.trim()}" within ${timeout} ms`
          )
        )
      }, timeout)
      this.#waiters.push({ resolve, reject, timer })
      socket.write(line)
    })
  }

  #connect(): Promise<net.Socket> {
    if (this.#socket) return Promise.resolve(this.#socket)
    if (this.#connecting) return this.#connecting
    this.#connecting = new Promise<net.Socket>((resolve, reject) => {
      const socket =
        'path' in this.address
          ? net.createConnection(this.address.path)
          : net.createConnection(this.address)
      socket.setNoDelay(true)
      socket.setEncoding('utf8')
      const timer = setTimeout(() => {
        socket.destroy()
        reject(
          new LiquidsoapUnreachableException(
            `Liquidsoap at ${describeAddress(this.address)}: no connection within ${this.#connectTimeout} ms`
          )
        )
      }, this.#connectTimeout)
      socket.once('connect', () => {
        clearTimeout(timer)
        this.#framer.reset()
        this.#socket = socket
        resolve(socket)
      })
      socket.on('data', (chunk: string) => {
        for (const body of this.#framer.feed(chunk)) {
          const waiter = this.#waiters.shift()
          if (!waiter) continue
          clearTimeout(waiter.timer)
          waiter.resolve(body)
        }
      })
      socket.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        const failure = new LiquidsoapUnreachableException(
          `Liquidsoap at ${describeAddress(this.address)} is unreachable: ${error.code ?? error.message}`
        )
        if (this.#socket === socket) this.#fail(failure)
        else reject(failure)
      })
      socket.on('close', () => {
        if (this.#socket === socket) {
          this.#fail(
            new LiquidsoapUnreachableException(
              `Liquidsoap at ${describeAddress(this.address)} closed the connection`
            )
          )
        }
      })
    }).finally(() => {
      this.#connecting = null
    })
    return this.#connecting
  }

  /** Drops the connection and fails what was waiting on it. */
  #fail(error: Error) {
    const socket = this.#socket
    this.#socket = null
    socket?.destroy()
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.reject(error)
    }
  }

  /** Says goodbye and closes; later commands connect again. */
  async close(): Promise<void> {
    const socket = this.#socket
    if (!socket) return
    this.#socket = null
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.end('quit\n')
      setTimeout(() => {
        socket.destroy()
        resolve()
      }, 200).unref()
    })
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.reject(new LiquidsoapUnreachableException('connection closed'))
    }
  }
}
