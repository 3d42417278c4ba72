/*
| HTTP middleware stacks.
*/
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#exceptions/handler'))

server.use([
  () => import('#middleware/public_host_middleware'),
  () => import('#middleware/hsts_middleware'),
  () => import('#middleware/health_middleware'),
  () => import('#middleware/container_bindings_middleware'),
  () => import('@adonisjs/static/static_middleware'),
  () => import('@adonisjs/cors/cors_middleware'),
])

router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  // Session and shield, but not for public reads (no cookie on feeds, API or media).
  () => import('#middleware/session_middleware'),
  () => import('#middleware/shield_middleware'),
  () => import('@adonisjs/auth/initialize_auth_middleware'),
  () => import('#middleware/detect_user_locale_middleware'),
  () => import('#middleware/station_middleware'),
])

export const middleware = router.named({
  auth: () => import('#middleware/auth_middleware'),
  guest: () => import('#middleware/guest_middleware'),
  staff: () => import('#middleware/staff_middleware'),
  transmitInput: () => import('#middleware/transmit_input_middleware'),
})
