/*
| The web server pushes now playing to its listeners (see NowPlayingBroadcaster).
*/
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import { NowPlayingBroadcaster } from '#on_air/now_playing_broadcaster'

const broadcaster = new NowPlayingBroadcaster((channel, payload) => transmit.broadcast(channel, payload as never))
broadcaster.start()
app.terminating(() => broadcaster.stop())
