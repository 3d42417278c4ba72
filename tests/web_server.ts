/*
| The real web server (bin/server.ts) in a process of its own, on a free
| port, with this test run's database (NODE_ENV=test: .env.test, and the
| DB_CONNECTION of the run), and a plain HTTP client of its event streams.
*/
import { spawn, type ChildProcess } from 'node:child_process'
import { get, type IncomingMessage } from 'node:http'
import { createServer } from 'node:net'
import app from '@adonisjs/core/services/app'
import { within } from '#tests/helpers'

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

export interface WebServer {
  child: ChildProcess
  port: number
  /** Resolves when the process has exited, with when (performance.now()). */
  exited: Promise<{ code: number | null; signal: string | null; at: number }>
  output(): string
  /** SIGTERM, then SIGKILL if it is still there after `ms`: for teardowns. */
  stop(ms?: number): Promise<void>
}

/** Starts bin/server.ts; resolves once it listens (Adonis tells its parent over IPC). `env` overrides, e.g. NODE_ENV=production. */
export async function startWebServer(
  port: number,
  env: Record<string, string> = {}
): Promise<WebServer> {
  const child = spawn(
    process.execPath,
    ['--import=ts-node-maintained/register/esm', 'bin/server.ts'],
    {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }
  )
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
    (resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }))
  )
  const server: WebServer = {
    child,
    port,
    exited,
    output: () => output,
    async stop(ms = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), ms)
      await exited
      clearTimeout(timer)
    },
  }
  const ready = new Promise<void>((resolve) =>
    child.on(
      'message',
      (message: any) => message?.isAdonisJS && message.environment === 'web' && resolve()
    )
  )
  const failed = exited.then(({ code, signal }) => {
    throw new Error(`the web server exited (${code ?? signal}) before it listened`)
  })
  try {
    await within(60_000, 'the web server listening', Promise.race([ready, failed]))
  } catch (error) {
    await server.stop()
    throw new Error(`${(error as Error).message}; its output:\n${output}`)
  }
  return server
}

export interface EventStream {
  response: IncomingMessage
  /** The `data:` payloads received, parsed. */
  messages: Array<{ channel: string; payload: any }>
  /** The `id:` of each of `messages` (null for a frame without one). */
  ids: Array<string | null>
  /** Resolves with "end" when the server ended the stream, "aborted" when the connection was cut. */
  closed: Promise<'end' | 'aborted'>
  /** Resolves with the first message (received or to come) that `match` accepts. */
  next(
    match: (message: { channel: string; payload: any }) => boolean
  ): Promise<{ channel: string; payload: any }>
  close(): void
}

/** Opens /__transmit/events?uid=… the way an EventSource would, without the reconnection (`headers`: `Last-Event-ID` for one). */
export function openEventStream(
  port: number,
  uid: string,
  headers: Record<string, string> = {}
): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const request = get(
      {
        host: '127.0.0.1',
        port,
        path: `/__transmit/events?uid=${encodeURIComponent(uid)}`,
        headers: { accept: 'text/event-stream', ...headers },
      },
      (response) => {
        if (response.statusCode !== 200)
          return reject(new Error(`event stream: HTTP ${response.statusCode}`))
        const messages: EventStream['messages'] = []
        const ids: EventStream['ids'] = []
        const waiting: Array<{
          match: (m: EventStream['messages'][number]) => boolean
          resolve: (m: EventStream['messages'][number]) => void
        }> = []
        let buffer = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          buffer += chunk
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n')
            if (!data) continue
            const message = JSON.parse(data)
            messages.push(message)
            const id = block.split('\n').find((line) => line.startsWith('id: '))
            ids.push(id ? id.slice(4) : null)
            for (const waiter of [...waiting]) {
              if (!waiter.match(message)) continue
              waiting.splice(waiting.indexOf(waiter), 1)
              waiter.resolve(message)
            }
          }
        })
        const closed = new Promise<'end' | 'aborted'>((done) => {
          let ended = false
          response.on('end', () => (ended = true))
          response.on('error', () => {})
          response.on('close', () => done(ended ? 'end' : 'aborted'))
        })
        resolve({
          response,
          messages,
          ids,
          closed,
          next: (match) => {
            const known = messages.find(match)
            return known
              ? Promise.resolve(known)
              : new Promise((done) => waiting.push({ match, resolve: done }))
          },
          close: () => request.destroy(),
        })
      }
    )
    request.on('error', reject)
  })
}

/** Subscribes a stream's uid to a channel, as the page's script does. */
export async function subscribe(port: number, uid: string, channel: string) {
  const response = await fetch(`http://127.0.0.1:${port}/__transmit/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid, channel }),
  })
  if (!response.ok) throw new Error(`subscribe: HTTP ${response.status}`)
}
