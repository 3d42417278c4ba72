/*
| The web server pushes now playing to its listeners (see NowPlayingBroadcaster),
| each push an event with an id (app/on_air/event_ledger.ts),
| and on its way down ends their event streams so that it can exit at once.
*/
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import transmit from '@adonisjs/transmit/services/main'
import eventLedger from '#services/event_ledger'
import { NowPlayingBroadcaster } from '#on_air/now_playing_broadcaster'
import { closeEventStreams } from '#on_air/event_streams'

const broadcaster = new NowPlayingBroadcaster(
  (channel, payload) => eventLedger.broadcast(channel, payload as never),
  500,
  logger
)
broadcaster.start()

// Runs before the HTTP server's own close (registered once it listens), which would wait for the streams.
app.terminating(async () => {
  broadcaster.stop()
  const server = await app.container.make('server')
  await closeEventStreams(transmit, server.getNodeServer())
})
