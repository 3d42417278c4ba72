/*
| The public site of a station (chosen by host name) and the health check.
| Names are `resource.action`, without an area prefix.
*/
import router from '@adonisjs/core/services/router'

const HealthController = () => import('#controllers/health_controller')
const HomeController = () => import('#controllers/home_controller')
const WeekController = () => import('#controllers/week_controller')
const LogsController = () => import('#controllers/logs_controller')
const ProgramsController = () => import('#controllers/programs_controller')
const MediaController = () => import('#controllers/media_controller')
const FeedsController = () => import('#controllers/feeds_controller')
const ListenController = () => import('#controllers/listen_controller')

router.get('/health', [HealthController]).as('health')

router.get('/', [HomeController]).as('home')
router.get('/week', [WeekController]).as('week.current')
router.get('/week/:year/:month/:day', [WeekController]).as('week.show')
router.get('/timetable.ics', [FeedsController, 'calendar']).as('timetable.ics')
router.get('/logs', [LogsController]).as('logs.today')
router.get('/logs/:year/:month/:day', [LogsController]).as('logs.show')
router.get('/programs', [ProgramsController, 'index']).as('programs.index')
router.get('/programs/:program/podcast.rss', [FeedsController, 'podcast']).as('programs.podcast')
router.get('/programs/:program', [ProgramsController, 'show']).as('programs.show')
router
  .get('/programs/:program/:episode', [ProgramsController, 'episode'])
  .as('programs.episodes.show')
router.get('/covers/:name', [MediaController, 'cover']).as('covers.show')
router.get('/images/:name', [MediaController, 'image']).as('images.show')
// Only a canonical id: `1.0`, `0x1`, `1e0` or `01` are not another name for sound 1.
router
  .get('/podcasts/:id', [MediaController, 'podcast'])
  .where('id', { match: /^[1-9][0-9]{0,15}$/, cast: (id) => Number(id) })
  .as('podcasts.show')
router.get('/listen.m3u', [ListenController, 'm3u']).as('listen.m3u')
router.get('/listen.pls', [ListenController, 'pls']).as('listen.pls')
