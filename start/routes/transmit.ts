/*
| Server-sent events (/__transmit/*): now playing is pushed on
| `now_playing/<station slug>`. Their input is checked first. The routes are
| Transmit's own (what `transmit.registerRoutes()` would add), but the event
| stream is opened by our controller, which gives each frame an `id:`
| (app/on_air/event_ledger.ts); subscribing is the package's.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const EventStreamController = () => import('#controllers/event_stream_controller')
const SubscribeController = () => import('@adonisjs/transmit/controllers/subscribe_controller')
const UnsubscribeController = () => import('@adonisjs/transmit/controllers/unsubscribe_controller')

router
  .group(() => {
    router.get('/events', [EventStreamController]).as('events')
    router.post('/subscribe', [SubscribeController]).as('subscribe')
    router.post('/unsubscribe', [UnsubscribeController]).as('unsubscribe')
  })
  .prefix('/__transmit')
  .as('transmit')
  .use(middleware.transmitInput())
