import factory from '@adonisjs/lucid/factories'
import Output from '#models/output'
import { StationFactory } from '#database/factories/programme_factories'

let serial = 0
const isDefaultMount = (mount: string | null) => mount !== null && /^\/stream-\d+\.mp3$/.test(mount)

/** An active MP3 stream to a local Icecast; the `recording` state writes a file instead. */
export const OutputFactory = factory
  .define(Output, () => ({
    type: 'icecast' as const,
    host: '127.0.0.1',
    port: 8000,
    mount: `/stream-${++serial}.mp3`,
    password: 'hackme',
    format: 'mp3' as const,
    bitrate: 128,
    active: true,
  }))
  .state('recording', (output) => {
    output.type = 'file'
    output.host = null
    output.port = null
    output.password = null
    // States run after merge: a mount given with merge is kept, only the default one becomes a file name.
    if (isDefaultMount(output.mount)) output.mount = 'recording-%Y%m%d-%H%M%S.mp3'
  })
  .relation('station', () => StationFactory)
  .build()
