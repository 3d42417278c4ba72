/*
| The staff CMS (/staff). HTML forms post; every action checks the user's
| role, stations and programs (app/policies/staff_access.ts). Names are
| `staff.resource.action`; a resource reached through a program is nested
| (`staff.programs.episodes.index`).
*/
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const SessionController = () => import('#controllers/staff/session_controller')
const DashboardController = () => import('#controllers/staff/dashboard_controller')
const StationsController = () => import('#controllers/staff/stations_controller')
const RadiovisController = () => import('#controllers/staff/radiovis_controller')
const UsersController = () => import('#controllers/staff/users_controller')
const ProgramsController = () => import('#controllers/staff/programs_controller')
const SchedulesController = () => import('#controllers/staff/schedules_controller')
const EpisodesController = () => import('#controllers/staff/episodes_controller')
const ImagesController = () => import('#controllers/staff/images_controller')
const SoundsController = () => import('#controllers/staff/sounds_controller')
const TracksController = () => import('#controllers/staff/tracks_controller')
const DiffusionsController = () => import('#controllers/staff/diffusions_controller')
const StreamerController = () => import('#controllers/staff/streamer_controller')
const TokensController = () => import('#controllers/staff/tokens_controller')
const EventsController = () => import('#controllers/staff/events_controller')
const ListenersController = () => import('#controllers/staff/listeners_controller')
const LiveKeysController = () => import('#controllers/staff/live_keys_controller')
const StationLiveController = () => import('#controllers/staff/station_live_controller')
const EdgesController = () => import('#controllers/staff/edges_controller')

router
  .group(() => {
    router
      .group(() => {
        router.get('/login', [SessionController, 'create']).as('session.create')
        router.post('/login', [SessionController, 'store']).as('session.store')
      })
      .use(middleware.guest())

    router
      .group(() => {
        router.post('/logout', [SessionController, 'destroy']).as('session.destroy')
        router.get('/', [DashboardController]).as('dashboard')

        router.get('/stations', [StationsController, 'index']).as('stations.index')
        router.get('/stations/create', [StationsController, 'create']).as('stations.create')
        router.post('/stations', [StationsController, 'store']).as('stations.store')
        router.get('/stations/:id', [StationsController, 'show']).as('stations.show')
        router.post('/stations/:id', [StationsController, 'update']).as('stations.update')
        router.get('/stations/:id/radiovis', [RadiovisController, 'show']).as('stations.radiovis')
        router.get('/stations/:id/live', [StationLiveController, 'show']).as('stations.live')
        router
          .post('/stations/:id/live', [StationLiveController, 'update'])
          .as('stations.live.update')
        router
          .post('/stations/:id/outputs', [StationsController, 'storeOutput'])
          .as('stations.outputs.store')
        router.post('/outputs/:id', [StationsController, 'updateOutput']).as('outputs.update')
        router
          .post('/outputs/:id/delete', [StationsController, 'destroyOutput'])
          .as('outputs.destroy')

        router.get('/edges', [EdgesController, 'index']).as('edges.index')
        router.get('/edges/create', [EdgesController, 'create']).as('edges.create')
        router.post('/edges', [EdgesController, 'store']).as('edges.store')
        router.get('/edges/:id', [EdgesController, 'show']).as('edges.show')
        router.post('/edges/:id', [EdgesController, 'update']).as('edges.update')
        router.post('/edges/:id/passwords', [EdgesController, 'regenerate']).as('edges.regenerate')
        router.post('/edges/:id/activate', [EdgesController, 'activate']).as('edges.activate')
        router.post('/edges/:id/deactivate', [EdgesController, 'deactivate']).as('edges.deactivate')
        router.post('/edges/:id/delete', [EdgesController, 'destroy']).as('edges.destroy')

        router.get('/users', [UsersController, 'index']).as('users.index')
        router.get('/users/create', [UsersController, 'create']).as('users.create')
        router.post('/users', [UsersController, 'store']).as('users.store')
        router.get('/users/:id', [UsersController, 'show']).as('users.show')
        router.post('/users/:id', [UsersController, 'update']).as('users.update')
        router.post('/users/:id/delete', [UsersController, 'destroy']).as('users.destroy')
        router
          .post('/users/:id/live-key/revoke', [LiveKeysController, 'revokeFor'])
          .as('users.live_key.destroy')

        router.get('/programs', [ProgramsController, 'index']).as('programs.index')
        router.get('/programs/create', [ProgramsController, 'create']).as('programs.create')
        router.post('/programs', [ProgramsController, 'store']).as('programs.store')
        router.get('/programs/:id', [ProgramsController, 'show']).as('programs.show')
        router.post('/programs/:id', [ProgramsController, 'update']).as('programs.update')
        router.post('/programs/:id/delete', [ProgramsController, 'destroy']).as('programs.destroy')

        router.get('/schedules/preview', [SchedulesController, 'preview']).as('schedules.preview')
        router
          .post('/programs/:id/schedules', [SchedulesController, 'store'])
          .as('programs.schedules.store')
        router.post('/schedules/:id', [SchedulesController, 'update']).as('schedules.update')
        router
          .post('/schedules/:id/delete', [SchedulesController, 'destroy'])
          .as('schedules.destroy')

        router
          .get('/programs/:id/episodes', [EpisodesController, 'index'])
          .as('programs.episodes.index')
        router
          .post('/programs/:id/episodes', [EpisodesController, 'store'])
          .as('programs.episodes.store')
        router.get('/episodes/:id', [EpisodesController, 'show']).as('episodes.show')
        router.post('/episodes/:id', [EpisodesController, 'update']).as('episodes.update')
        router.post('/episodes/:id/delete', [EpisodesController, 'destroy']).as('episodes.destroy')

        router.get('/programs/:id/sounds', [SoundsController, 'index']).as('programs.sounds.index')
        router.post('/programs/:id/sounds', [SoundsController, 'store']).as('programs.sounds.store')
        router.get('/sounds/:id', [SoundsController, 'show']).as('sounds.show')
        router.post('/sounds/:id', [SoundsController, 'update']).as('sounds.update')
        router.get('/sounds/:id/audio', [SoundsController, 'audio']).as('sounds.audio')
        router.post('/sounds/:id/podcast', [SoundsController, 'podcast']).as('sounds.podcast')

        // The tracklist of an episode or a sound: `kind` is `episodes` or `sounds`.
        router
          .group(() => {
            router.post('/:kind/:id/tracks', [TracksController, 'save']).as('tracks.save')
            router.post('/:kind/:id/tracks.csv', [TracksController, 'csv']).as('tracks.csv')
          })
          .where('kind', /^(episodes|sounds)$/)

        // A program's or an episode's cover, a station's logo.
        router
          .group(() => {
            router.post('/:kind/:id/image', [ImagesController, 'store']).as('images.store')
            router
              .post('/:kind/:id/image/delete', [ImagesController, 'destroy'])
              .as('images.destroy')
          })
          .where('kind', /^(programs|episodes|stations)$/)

        router.get('/calendar', [DiffusionsController, 'calendar']).as('calendar.current')
        router
          .get('/calendar/:year/:month/:day', [DiffusionsController, 'calendar'])
          .as('calendar.show')
        router.post('/diffusions/:id/type', [DiffusionsController, 'type']).as('diffusions.type')
        router.post('/diffusions/:id/move', [DiffusionsController, 'move']).as('diffusions.move')

        router.get('/streamer', [StreamerController, 'show']).as('streamer.show')
        router.post('/streamer/:id/skip', [StreamerController, 'skip']).as('streamer.skip')
        router.post('/streamer/:id/push', [StreamerController, 'push']).as('streamer.push')

        router.get('/events', [EventsController, 'index']).as('events.index')
        router.get('/events/sinks/create', [EventsController, 'create']).as('events.sinks.create')
        router.post('/events/sinks', [EventsController, 'store']).as('events.sinks.store')
        router.get('/events/sinks/:id', [EventsController, 'show']).as('events.sinks.show')
        router.post('/events/sinks/:id', [EventsController, 'update']).as('events.sinks.update')
        router
          .post('/events/sinks/:id/rewind', [EventsController, 'rewind'])
          .as('events.sinks.rewind')
        router
          .post('/events/sinks/:id/delete', [EventsController, 'destroy'])
          .as('events.sinks.destroy')

        router.get('/listeners', [ListenersController, 'index']).as('listeners.index')
        router.get('/listeners.csv', [ListenersController, 'csv']).as('listeners.csv')

        router.get('/tokens', [TokensController, 'index']).as('tokens.index')
        router.post('/tokens', [TokensController, 'store']).as('tokens.store')
        router.post('/tokens/:id/delete', [TokensController, 'destroy']).as('tokens.destroy')

        // The user's own live key (a host's password at the live input).
        router.get('/live-key', [LiveKeysController, 'show']).as('live_key.show')
        router.post('/live-key', [LiveKeysController, 'store']).as('live_key.store')
        router.post('/live-key/revoke', [LiveKeysController, 'destroy']).as('live_key.destroy')
      })
      .where('id', router.matchers.number())
      .use([middleware.auth(), middleware.staff()])
  })
  .prefix('/staff')
  .as('staff')
