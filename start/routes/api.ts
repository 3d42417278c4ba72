/*
| The JSON API (/api/v1): reading is open, writing takes a personal token
| (Authorization: Bearer ant_...). Names are `api.resource.action`.
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const ApiController = () => import('#controllers/api/api_controller')
const ApiWriteController = () => import('#controllers/api/api_write_controller')
const ApiDocsController = () => import('#controllers/api/api_docs_controller')

router
  .group(() => {
    router.get('/now', [ApiController, 'now']).as('now.show')
    router.get('/logs', [ApiController, 'logs']).as('logs.index')
    router.get('/timetable', [ApiController, 'timetable']).as('timetable.index')
    router.get('/programs', [ApiController, 'programs']).as('programs.index')
    router
      .get('/programs/:program/episodes', [ApiController, 'episodes'])
      .as('programs.episodes.index')
    // Described in app/api/openapi.ts: a route added here and not there fails tests/functional/openapi.spec.ts.
    router.get('/openapi.json', [ApiDocsController, 'document']).as('openapi')
    router.get('/docs', [ApiDocsController, 'page']).as('docs')
  })
  .prefix('/api/v1')
  .as('api')

router
  .group(() => {
    router
      .post('/programs/:id/episodes', [ApiWriteController, 'createEpisode'])
      .as('programs.episodes.store')
    router
      .patch('/diffusions/:id', [ApiWriteController, 'setDiffusionType'])
      .as('diffusions.update')
    router
      .put('/episodes/:id/tracks', [ApiWriteController, 'replaceTracks'])
      .as('episodes.tracks.update')
    router
      .put('/sounds/:id/tracks', [ApiWriteController, 'replaceTracks'])
      .as('sounds.tracks.update')
  })
  .prefix('/api/v1')
  .as('api')
  .where('id', router.matchers.number())
  .use([middleware.auth({ guards: ['api'] }), middleware.staff()])
