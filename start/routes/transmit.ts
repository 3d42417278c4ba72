/*
| Server-sent events (/__transmit/*): now playing is pushed on
| `now_playing/<station slug>`. Their input is checked first. The package
| leaves its routes unnamed: they become `transmit.events`,
| `transmit.subscribe` and `transmit.unsubscribe`.
*/
import transmit from '@adonisjs/transmit/services/main'
import { middleware } from '#start/kernel'

transmit.registerRoutes((route) =>
  route.as(`transmit.${route.getPattern().split('/').pop()}`).use(middleware.transmitInput())
)
