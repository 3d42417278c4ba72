import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { isAbsolute } from 'node:path'
import { availableParallelism } from 'node:os'

function folder(configured: string) {
  return isAbsolute(configured) ? configured : app.makePath(configured)
}

/*
| Antenne's own settings.
*/
const antenneConfig = {
  /** Working folders of the stations (station.liq, playlists, sockets) when a station has no path. */
  stationsDir: folder(env.get('ANTENNE_STATIONS_DIR', 'tmp/stations')),

  /** Sound folders of the programs: <programsDir>/<program slug>/{archives,excerpts}. */
  programsDir: folder(env.get('ANTENNE_PROGRAMS_DIR', 'tmp/programs')),

  /** Default title of generated episodes (Aircox's AIRCOX_EPISODE_TITLE). */
  episodeTitle: '{program} – {date}',

  library: {
    /** Embedded covers are saved here, named by their hash. */
    coversDir: folder(env.get('ANTENNE_COVERS_DIR', 'tmp/covers')),
    /** Files read or analysed at once (default: the number of cores). */
    workers: env.get('ANTENNE_LIBRARY_WORKERS', availableParallelism()),
    /** Watch mode reads a file once it has not been modified for this long (ms): an upload is finished. */
    uploadSettle: 2000,
    /** Watch mode also rescans everything this often (ms), in case an event was missed. */
    rescanInterval: 3600_000,
    quality: {
      /** Aircox's check: the RMS level (dBFS) of the whole file and of each sample must be in this range. */
      rmsRange: [-32, -6] as [number, number],
      /** Seconds per sample (Aircox: 120). */
      sampleLength: 120,
      /** A 100 ms block under this RMS level (dBFS) is silent... */
      silenceThreshold: -60,
      /** ...and a silence this long (seconds) is a fault. */
      maxSilence: 10,
      /** Runs of 3+ full-scale samples tolerated before a file counts as clipped. */
      maxClippedRuns: 20,
      minSampleRate: 32000,
      /** Kilobits per second, for lossy codecs. */
      minBitrate: 64,
    },
  },

  /** Thresholds of `node ace doctor` and GET /health. */
  health: {
    minFreeBytes: 1024 ** 3,
    minFreeShare: 0.05,
    minFreeMemory: 0.05,
    maxLoadPerCore: 2,
    maxOnAirAge: 3600_000,
    timeout: 2000,
  },

  streamer: {
    /** The Liquidsoap binary (Debian's 2.1 by default). */
    liquidsoap: env.get('ANTENNE_LIQUIDSOAP_BIN', 'liquidsoap'),
    /** Loudness the per-sound gain aims at, in LUFS (EBU R128 says -23; streams often use -16). */
    loudnessTarget: env.get('ANTENNE_LOUDNESS_TARGET', -16),
    /** Where live sources may connect from: 0.0.0.0 for a studio on the network. */
    harborBind: env.get('ANTENNE_HARBOR_BIND', '0.0.0.0'),
    /** Seconds ahead of a start at which the monitor cues a diffusion in the dealer. */
    cueLead: 10,
    /** Seconds the dealer gate opens early so that the first frame lands on the start (measured on 2.1.3). */
    gateAdvance: 0.05,
    /** Playlists and caches are resynced at least this often, in seconds (Aircox: 5 minutes). */
    syncInterval: 300,
  },
}

export default antenneConfig
