/*
| HTTP routes. The web side (CMS, public pages, JSON API) builds on these.
*/
import router from '@adonisjs/core/services/router'

const HealthController = () => import('#controllers/health_controller')

router.get('/health', [HealthController]).as('health')
