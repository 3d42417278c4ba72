/*
| HTTP routes: the public site (per station, by host name), the JSON API,
| the staff CMS (/staff) and the health check.
*/
import router from '@adonisjs/core/services/router'
import transmit from '@adonisjs/transmit/services/main'
import { middleware } from '#start/kernel'

const HealthController = () => import('#controllers/health_controller')
const HomeController = () => import('#controllers/home_controller')
const WeekController = () => import('#controllers/week_controller')
const LogsController = () => import('#controllers/logs_controller')
const ProgramsController = () => import('#controllers/programs_controller')
const MediaController = () => import('#controllers/media_controller')
const ApiController = () => import('#controllers/api/api_controller')
const FeedsController = () => import('#controllers/feeds_controller')
const ApiWriteController = () => import('#controllers/api/api_write_controller')
const SessionController = () => import('#controllers/staff/session_controller')
const DashboardController = () => import('#controllers/staff/dashboard_controller')
const StaffStationsController = () => import('#controllers/staff/stations_controller')
const StaffUsersController = () => import('#controllers/staff/users_controller')
const StaffProgramsController = () => import('#controllers/staff/programs_controller')
const StaffSchedulesController = () => import('#controllers/staff/schedules_controller')
const StaffEpisodesController = () => import('#controllers/staff/episodes_controller')
const StaffSoundsController = () => import('#controllers/staff/sounds_controller')
const StaffTracksController = () => import('#controllers/staff/tracks_controller')
const StaffDiffusionsController = () => import('#controllers/staff/diffusions_controller')
const StaffStreamerController = () => import('#controllers/staff/streamer_controller')
const StaffTokensController = () => import('#controllers/staff/tokens_controller')
const StaffEventsController = () => import('#controllers/staff/events_controller')
const StaffListenersController = () => import('#controllers/staff/listeners_controller')

router.get('/health', [HealthController]).as('health')

router.get('/', [HomeController]).as('home')
router.get('/week', [WeekController]).as('week.current')
router.get('/week/:year/:month/:day', [WeekController]).as('week')
router.get('/timetable.ics', [FeedsController, 'calendar']).as('timetable.ics')
router.get('/logs', [LogsController]).as('logs.today')
router.get('/logs/:year/:month/:day', [LogsController]).as('logs')
router.get('/programs', [ProgramsController, 'index']).as('programs.index')
router.get('/programs/:program/podcast.rss', [FeedsController, 'podcast']).as('programs.podcast')
router.get('/programs/:program', [ProgramsController, 'show']).as('programs.show')
router.get('/programs/:program/:episode', [ProgramsController, 'episode']).as('episodes.show')
router.get('/covers/:name', [MediaController, 'cover']).as('covers')
router.get('/podcasts/:id', [MediaController, 'podcast']).as('podcasts')

router
  .group(() => {
    router.get('/now', [ApiController, 'now']).as('now')
    router.get('/logs', [ApiController, 'logs']).as('logs')
    router.get('/timetable', [ApiController, 'timetable']).as('timetable')
    router.get('/programs', [ApiController, 'programs']).as('programs')
    router.get('/programs/:program/episodes', [ApiController, 'episodes']).as('episodes')
  })
  .prefix('/api/v1')
  .as('api')

// Writing through the API takes a personal token (Authorization: Bearer ant_...).
router
  .group(() => {
    router
      .post('/programs/:id/episodes', [ApiWriteController, 'createEpisode'])
      .as('episodes.store')
    router
      .patch('/diffusions/:id', [ApiWriteController, 'setDiffusionType'])
      .as('diffusions.update')
    router.put('/episodes/:id/tracks', [ApiWriteController, 'replaceTracks']).as('episodes.tracks')
    router.put('/sounds/:id/tracks', [ApiWriteController, 'replaceTracks']).as('sounds.tracks')
  })
  .prefix('/api/v1')
  .as('api.write')
  .where('id', router.matchers.number())
  .use([middleware.auth({ guards: ['api'] }), middleware.staff()])

/*
| The staff CMS. HTML forms post; every action checks the user's role,
| stations and programs (app/policies/staff_access.ts).
*/
router
  .group(() => {
    router.get('/login', [SessionController, 'create']).as('login').use(middleware.guest())
    router.post('/login', [SessionController, 'store']).as('login.store').use(middleware.guest())

    router
      .group(() => {
        router.post('/logout', [SessionController, 'destroy']).as('logout')
        router.get('/', [DashboardController]).as('dashboard')

        router.get('/stations', [StaffStationsController, 'index']).as('stations.index')
        router.get('/stations/create', [StaffStationsController, 'create']).as('stations.create')
        router.post('/stations', [StaffStationsController, 'store']).as('stations.store')
        router.get('/stations/:id', [StaffStationsController, 'show']).as('stations.show')
        router.post('/stations/:id', [StaffStationsController, 'update']).as('stations.update')
        router
          .post('/stations/:id/outputs', [StaffStationsController, 'storeOutput'])
          .as('outputs.store')
        router.post('/outputs/:id', [StaffStationsController, 'updateOutput']).as('outputs.update')
        router
          .post('/outputs/:id/delete', [StaffStationsController, 'destroyOutput'])
          .as('outputs.destroy')

        router.get('/users', [StaffUsersController, 'index']).as('users.index')
        router.get('/users/create', [StaffUsersController, 'create']).as('users.create')
        router.post('/users', [StaffUsersController, 'store']).as('users.store')
        router.get('/users/:id', [StaffUsersController, 'show']).as('users.show')
        router.post('/users/:id', [StaffUsersController, 'update']).as('users.update')
        router.post('/users/:id/delete', [StaffUsersController, 'destroy']).as('users.destroy')

        router.get('/programs', [StaffProgramsController, 'index']).as('programs.index')
        router.get('/programs/create', [StaffProgramsController, 'create']).as('programs.create')
        router.post('/programs', [StaffProgramsController, 'store']).as('programs.store')
        router.get('/programs/:id', [StaffProgramsController, 'show']).as('programs.show')
        router.post('/programs/:id', [StaffProgramsController, 'update']).as('programs.update')
        router
          .post('/programs/:id/delete', [StaffProgramsController, 'destroy'])
          .as('programs.destroy')

        router
          .get('/schedules/preview', [StaffSchedulesController, 'preview'])
          .as('schedules.preview')
        router
          .post('/programs/:id/schedules', [StaffSchedulesController, 'store'])
          .as('schedules.store')
        router.post('/schedules/:id', [StaffSchedulesController, 'update']).as('schedules.update')
        router
          .post('/schedules/:id/delete', [StaffSchedulesController, 'destroy'])
          .as('schedules.destroy')

        router
          .get('/programs/:id/episodes', [StaffEpisodesController, 'index'])
          .as('episodes.index')
        router
          .post('/programs/:id/episodes', [StaffEpisodesController, 'store'])
          .as('episodes.store')
        router.get('/episodes/:id', [StaffEpisodesController, 'show']).as('episodes.show')
        router.post('/episodes/:id', [StaffEpisodesController, 'update']).as('episodes.update')
        router
          .post('/episodes/:id/delete', [StaffEpisodesController, 'destroy'])
          .as('episodes.destroy')

        router.get('/programs/:id/sounds', [StaffSoundsController, 'index']).as('sounds.index')
        router.post('/programs/:id/sounds', [StaffSoundsController, 'store']).as('sounds.store')
        router.get('/sounds/:id', [StaffSoundsController, 'show']).as('sounds.show')
        router.post('/sounds/:id', [StaffSoundsController, 'update']).as('sounds.update')
        router.get('/sounds/:id/audio', [StaffSoundsController, 'audio']).as('sounds.audio')
        router
          .post('/:kind/:id/tracks', [StaffTracksController, 'save'])
          .as('tracks.save')
          .where('kind', /^(episodes|sounds)$/)
        router
          .post('/:kind/:id/tracks.csv', [StaffTracksController, 'csv'])
          .as('tracks.csv')
          .where('kind', /^(episodes|sounds)$/)

        router.get('/calendar', [StaffDiffusionsController, 'calendar']).as('calendar.current')
        router
          .get('/calendar/:year/:month/:day', [StaffDiffusionsController, 'calendar'])
          .as('calendar')
        router
          .post('/diffusions/:id/type', [StaffDiffusionsController, 'type'])
          .as('diffusions.type')
        router
          .post('/diffusions/:id/move', [StaffDiffusionsController, 'move'])
          .as('diffusions.move')

        router.get('/streamer', [StaffStreamerController, 'show']).as('streamer')
        router.post('/streamer/:id/skip', [StaffStreamerController, 'skip']).as('streamer.skip')
        router.post('/streamer/:id/push', [StaffStreamerController, 'push']).as('streamer.push')

        router.get('/events', [StaffEventsController, 'index']).as('events.index')
        router.get('/events/sinks/create', [StaffEventsController, 'create']).as('sinks.create')
        router.post('/events/sinks', [StaffEventsController, 'store']).as('sinks.store')
        router.get('/events/sinks/:id', [StaffEventsController, 'show']).as('sinks.show')
        router.post('/events/sinks/:id', [StaffEventsController, 'update']).as('sinks.update')
        router
          .post('/events/sinks/:id/rewind', [StaffEventsController, 'rewind'])
          .as('sinks.rewind')
        router
          .post('/events/sinks/:id/delete', [StaffEventsController, 'destroy'])
          .as('sinks.destroy')

        router.get('/listeners', [StaffListenersController, 'index']).as('listeners.index')
        router.get('/listeners.csv', [StaffListenersController, 'csv']).as('listeners.csv')

        router.get('/tokens', [StaffTokensController, 'index']).as('tokens.index')
        router.post('/tokens', [StaffTokensController, 'store']).as('tokens.store')
        router.post('/tokens/:id/delete', [StaffTokensController, 'destroy']).as('tokens.destroy')
      })
      .where('id', router.matchers.number())
      .use([middleware.auth(), middleware.staff()])
  })
  .prefix('/staff')
  .as('staff')

// Server-sent events: now playing is pushed on `now_playing/<station slug>`. Their input is checked first.
transmit.registerRoutes((route) => route.use(middleware.transmitInput()))
