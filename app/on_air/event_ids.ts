/*
| Ids of server-sent events (the `id:` field of a frame, which a browser's
| EventSource remembers and sends back as `Last-Event-ID` when it
| reconnects). One id per broadcast, the same for every listener, always
| increasing, also across restarts of the web server: an id is at least the
| broadcast's time in milliseconds, so a client that comes back from an
| earlier process holds a smaller one, never one that looks current.
*/

/** The id of the next broadcast after `last`, at `now` (epoch ms). */
export function nextEventId(last: number, now: number) {
  return Math.max(last + 1, Math.floor(now))
}

/**
 * Whether a stream is sent the channel's latest broadcast, `latestId`, when
 * it subscribes: unless it says it has it (`Last-Event-ID: lastEventId`).
 * A stream back after missing it, or from another process, catches up; a
 * new one (no header) is told the state at once, so that a subscription
 * that lands just after a push does not wait for the next change.
 */
export function shouldReplay(lastEventId: string | undefined, latestId: number | undefined) {
  if (latestId === undefined) return false
  return lastEventId?.trim() !== String(latestId)
}

/**
 * How Transmit's Stream writes a channel's message: `data: ` then the JSON of
 * `{channel, payload}`, whose first key is always the channel. A frame
 * starting so belongs to that channel.
 */
export function framePrefix(channel: string) {
  return `data: {"channel":${JSON.stringify(channel)},`
}

export interface ExpectedFrame {
  id: number
  prefix: string
}

/**
 * One chunk of Transmit's output with its `id:` line, if it is the data line
 * of the next frame expected (`pending`, in broadcast order; the matched one
 * is taken off). Other chunks (the opening comment, blank lines ending a
 * frame, Transmit's pings) pass as they are.
 */
export function identified(chunk: string, pending: ExpectedFrame[]) {
  const next = pending[0]
  if (!next || !chunk.startsWith(next.prefix)) return chunk
  pending.shift()
  return `id: ${next.id}\n${chunk}`
}
