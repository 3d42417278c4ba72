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

  /**
   * The file every change to the programme or the library touches, which the
   * monitors watch (app/models/change_stamp.ts). With playout hosts apart
   * from the CMS, it goes on the storage they share (with the sounds).
   */
  changeStamp: env.get('ANTENNE_CHANGE_STAMP') ? folder(env.get('ANTENNE_CHANGE_STAMP')!) : null,

  /** Sound folders of the programs: <programsDir>/<station slug>/<program slug>/{archives,excerpts}. */
  programsDir: folder(env.get('ANTENNE_PROGRAMS_DIR', 'tmp/programs')),

  /** Sounds uploaded in the CMS. */
  uploads: {
    /** Where a file is received (private: 0700) before it is checked and moved into its program's folder. */
    stagingDir: folder(env.get('ANTENNE_UPLOADS_DIR', 'tmp/uploads')),
    /** Largest file, in bytes (a two-hour WAV is about 1.4 GB). */
    maxBytes: env.get('ANTENNE_UPLOAD_MAX_BYTES', 2 * 1024 ** 3),
    /** What a station's sounds may take on disk, in bytes. */
    stationQuotaBytes: env.get('ANTENNE_STATION_QUOTA_BYTES', 50 * 1024 ** 3),
    /** Longest sound, in seconds. */
    maxDurationSeconds: env.get('ANTENNE_UPLOAD_MAX_SECONDS', 6 * 3600),
  },

  /**
   * Images uploaded in the CMS (covers, logos), resized once and named by
   * their content hash; private files (0600) served by /images/:name.
   */
  images: {
    dir: folder(env.get('ANTENNE_IMAGES_DIR', 'tmp/images')),
    /** Largest upload, in bytes. */
    maxBytes: 20 * 1024 ** 2,
    /** Largest picture, in pixels (width × height), checked from its header before it is decoded. */
    maxPixels: 50_000_000,
    /**
     * Largest picture once decoded, in bytes (pixels × channels × bytes per
     * sample), also from its header: 8-bit RGBA at 50 MP fits, a 16-bit
     * picture of 7000 × 7000 does not.
     */
    maxDecodedBytes: 200 * 1024 ** 2,
  },

  /** Podcasts: sounds not in mp3 or m4a are transcoded once into an mp3 kept here. */
  podcasts: {
    cacheDir: folder(env.get('ANTENNE_PODCAST_CACHE_DIR', 'tmp/podcast-cache')),
    /** The ffmpeg binary, and the bit rate (kbit/s) of the mp3 it writes. */
    ffmpeg: env.get('ANTENNE_FFMPEG_BIN', 'ffmpeg'),
    bitrate: 128,
    /** Seconds a transcode may take before ffmpeg is killed (a file that hangs it must not stop the others). */
    transcodeTimeout: env.get('ANTENNE_PODCAST_TRANSCODE_TIMEOUT', 900),
  },

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
    /** The address the live input listens on: loopback unless a studio on the network needs 0.0.0.0. */
    harborBind: env.get('ANTENNE_HARBOR_BIND', '127.0.0.1'),
    /** Seconds ahead of a start at which the monitor cues a diffusion in the dealer. */
    cueLead: 10,
    /** Seconds the dealer gate opens early so that the first frame lands on the start (measured on 2.1.3). */
    gateAdvance: 0.05,
    /** Playlists and caches are resynced at least this often, in seconds (Aircox: 5 minutes). */
    syncInterval: 300,
    /** Seconds of silence on the output (Liquidsoap's blank detection) before a dead_air event. */
    deadAirAfter: env.get('ANTENNE_DEAD_AIR_SECONDS', 20),
    /**
     * Ms a (re)started Liquidsoap holds its rotation, until the monitor has
     * queued the diffusion to resume and released it (it does so at once).
     */
    holdMs: env.get('ANTENNE_HOLD_MS', 3000),
    /**
     * This playout host's name, when several streamers share the stations
     * through one MariaDB (a standby): each station is then played by the node
     * holding its lease (app/streamer/station_leadership.ts). Unset: one
     * streamer plays every station it is given, as on a single host.
     */
    node: env.get('ANTENNE_NODE') ?? null,
    /** How long a station's lease lasts, and how long before its expiry a node's outputs stop (ms). */
    leaseMs: env.get('ANTENNE_LEASE_MS', 3000),
    leaseMarginMs: env.get('ANTENNE_LEASE_MARGIN_MS', 1000),
    /** What listeners hear on the fallback mounts while Liquidsoap is away: an audio file, else silence. */
    fallbackAudio: env.get('ANTENNE_FALLBACK_AUDIO') ?? null,
  },

  /** Events, their sinks and their delivery (node ace events:deliver). */
  events: {
    /** Events that could not be written to the database wait here, one file per process. */
    spoolDir: folder(env.get('ANTENNE_EVENTS_SPOOL', 'tmp/events-spool')),
    /** A JSON file of sinks loaded at start, beside those of the CMS (see README). */
    sinksFile: env.get('ANTENNE_EVENT_SINKS_FILE')
      ? folder(env.get('ANTENNE_EVENT_SINKS_FILE')!)
      : null,
    /** How often the deliverer looks for new events, in ms. */
    pollInterval: 500,
    /** Retry delays: doubling from this (ms), capped. */
    retryFirst: 1000,
    retryMax: 60_000,
    /** Events older than this many days are deleted once every sink has them. */
    retentionDays: env.get('ANTENNE_EVENTS_RETENTION_DAYS', 30),
    /** How often the deliverer looks for diffusions at risk 24 h and 1 h ahead (ms; app/events/risk_watch.ts). */
    riskCheckInterval: 60_000,
  },

  /**
   * The public address of the web site, for links sent elsewhere (RSS, iCal,
   * RadioVIS slides, webhooks), never the request's Host; in production the
   * only host name served besides the stations' hosts (public_host_middleware).
   */
  publicUrl:
    env.get('ANTENNE_PUBLIC_URL') ??
    `http://${env.get('HOST', '127.0.0.1')}:${env.get('PORT', 3333)}`,

  /**
   * RadioVIS now playing (node ace radiovis:serve): one producer (a lease)
   * turns events into messages, written to the message log and, with a URL,
   * published to RabbitMQ, from which any number of STOMP servers serve them.
   */
  radiovis: {
    /** amqp://user:password@host:port/vhost; unset: the servers read the message log in the database. */
    url: env.get('ANTENNE_RADIOVIS_URL') ?? null,
    /** The topic exchange messages go through (routing key: the destination without /topic/). */
    exchange: env.get('ANTENNE_RADIOVIS_EXCHANGE', 'amq.topic'),
    /** A topic silent this long (seconds) gets the station's default text and image again. */
    fallbackAfter: env.get('ANTENNE_RADIOVIS_FALLBACK_SECONDS', 120),
    /** Where radiovis:serve listens (and doctor looks) by default. */
    host: env.get('ANTENNE_RADIOVIS_HOST', '127.0.0.1'),
    port: env.get('ANTENNE_RADIOVIS_PORT', 61613),
    /** Heart-beats the server offers (ms): it sends one this often, and wants one from clients. */
    heartbeat: env.get('ANTENNE_RADIOVIS_HEARTBEAT_MS', 10_000),
    /** How often (ms) the producer reads new events and the servers the message log. */
    pollInterval: env.get('ANTENNE_RADIOVIS_POLL_MS', 25),
    /** Messages older than this (seconds) leave the log, checked every `logCleanup` seconds. */
    logMaxAge: env.get('ANTENNE_RADIOVIS_LOG_MAX_AGE', 86_400),
    logCleanup: env.get('ANTENNE_RADIOVIS_LOG_CLEANUP', 3600),
  },

  /** Old on-air logs (node ace logs:archive) and backups (node ace backup). */
  archivesDir: folder(env.get('ANTENNE_ARCHIVES_DIR', 'tmp/archives')),
  backupsDir: folder(env.get('ANTENNE_BACKUPS_DIR', 'tmp/backups')),

  /** Listener statistics polled from each station's Icecast (node ace listeners --monitor). */
  listeners: {
    interval: env.get('ANTENNE_LISTENERS_INTERVAL', 30),
    retentionDays: env.get('ANTENNE_LISTENERS_RETENTION_DAYS', 400),
  },

  /**
   * The machine's resources, watched by events:deliver: memory_usage,
   * load_high and disk_low events, raised past a threshold and cleared only
   * `clearMargin` back (app/events/resource_watcher.ts).
   */
  watch: {
    /** Seconds between samples. */
    interval: env.get('ANTENNE_WATCH_INTERVAL', 30),
    /** Percent of memory used (total - MemAvailable); over `memoryOverloadPercent` also group system_overloaded. */
    memoryPercent: env.get('ANTENNE_WATCH_MEMORY_PERCENT', 50),
    memoryOverloadPercent: 80,
    /** The 5-minute load average per core. */
    loadPerCore: env.get('ANTENNE_WATCH_LOAD_PER_CORE', 1.5),
    /** Percent free on the file system of a data folder (programs, stations, database, archives, …). */
    diskFreePercent: env.get('ANTENNE_WATCH_DISK_FREE_PERCENT', 10),
    /** Percentage points (memory, disk) or percent of the threshold (load) before an alarm clears. */
    clearMargin: 5,
  },
}

export default antenneConfig
