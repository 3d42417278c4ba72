/*
| Server-sent event streams never end on their own: Node's `server.close()`
| waits for them and Transmit keeps pinging them. A web server sent SIGTERM
| with one now-playing page open stopped listening but stayed alive for
| 1 min 43 s, pinging that page and sending it nothing else. On the way down
| the web server ends its streams; the pages reconnect to the next server and
| subscribe again (resources/public/now_playing.js). A stream still open after
| the grace (one opened meanwhile, a client that does not read) is cut.
*/
import type { Server } from 'node:http'
import type transmitService from '@adonisjs/transmit/services/main'

type Transmit = typeof transmitService

/** Ends every stream; resolves once they are all closed, or after `grace` ms. */
export async function closeEventStreams(
  transmit: Transmit,
  server: Server | undefined,
  grace = 1000
) {
  const streams = transmit.getManager().getAllSubscribers()
  let unsubscribe = () => {}
  const closed = new Promise<void>((resolve) => {
    if (streams.size === 0) return resolve()
    // Transmit forgets a stream when its response closes, then says so.
    unsubscribe = transmit.on('disconnect', () => streams.size === 0 && resolve())
  })
  for (const stream of [...streams.keys()]) stream.end()
  let timer: NodeJS.Timeout | undefined
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))])
  clearTimeout(timer)
  unsubscribe()
  // The HTTP server closes next and drops the idle keep-alive sockets; whatever is
  // still open then would hold the process up: cut it after the same grace.
  if (server) setTimeout(() => server.closeAllConnections(), grace).unref()
}
