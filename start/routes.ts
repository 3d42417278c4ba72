/*
| HTTP routes: the public site (per station, by host name), the JSON API,
| and the health check. The staff CMS comes next.
*/
import router from '@adonisjs/core/services/router'
import transmit from '@adonisjs/transmit/services/main'

const HealthController = () => import('#controllers/health_controller')
const HomeController = () => import('#controllers/home_controller')
const WeekController = () => import('#controllers/week_controller')
const LogsController = () => import('#controllers/logs_controller')
const ProgramsController = () => import('#controllers/programs_controller')
const MediaController = () => import('#controllers/media_controller')
const ApiController = () => import('#controllers/api/api_controller')
const FeedsController = () => import('#controllers/feeds_controller')

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

// Server-sent events: now playing is pushed on `now_playing/<station slug>`.
transmit.registerRoutes()
