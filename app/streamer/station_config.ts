/*
| `--config`: a station's Liquidsoap script and playlists, from the database
| to its working folder. Files are written atomically (temporary file, then
| rename), and a script replaces the previous one only once
| `liquidsoap --check` accepts it.
*/
import { execFile } from 'node:child_process'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import antenneConfig from '#config/antenne'
import { StreamerConfigException } from '#exceptions/domain'
import Output, { isRecordingName } from '#models/output'
import Program from '#models/program'
import Sound from '#models/sound'
import Station from '#models/station'
import { contentType } from '#streamer/icecast_config'
import { liveGateCommand } from '#live/live_gate_command'
import {
  encoderFor,
  playlistId,
  playlistText,
  recordingFormat,
  renderScript,
  timeWindow,
  type ScriptData,
  type ScriptOutput,
} from '#streamer/liquidsoap_script'

const run = promisify(execFile)

/** Unix socket paths are limited to 108 bytes by the kernel. */
const MAX_SOCKET_PATH = 100

export interface StationPaths {
  dir: string
  script: string
  socket: string
  log: string
  journal: string
  pid: string
  /** Who may go live and when, for the live gate (hashes only). */
  liveCredentials: string
  /** The gate's record of each login, imported by the streamer. */
  liveAttempts: string
}

export function stationPaths(station: Station): StationPaths {
  const dir = station.workingDir
  return {
    dir,
    script: join(dir, 'station.liq'),
    socket: join(dir, 'station.sock'),
    log: join(dir, 'liquidsoap.log'),
    journal: join(dir, 'journal.jsonl'),
    pid: join(dir, 'liquidsoap.pid'),
    liveCredentials: join(dir, 'live-credentials.json'),
    liveAttempts: join(dir, 'live-attempts.jsonl'),
  }
}

export interface StationPlaylist {
  id: string
  programId: number
  title: string
  path: string
  text: string
  /** The program's stream: local HH:MM window and minimum seconds between plays. */
  begin: string | null
  end: string | null
  delay: number
}

/** Writes through a temporary file and a rename: readers never see half a file. */
export async function writeAtomically(path: string, content: string, mode = 0o640): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  try {
    await writeFile(temporary, content, { mode })
    await rename(temporary, path)
  } catch (error) {
    // A full disk leaves no half-written temporary behind.
    await rm(temporary, { force: true })
    throw error
  }
}

/** Errors of the disk rather than of the data: the files in hand are kept and the station goes on. */
export function isStorageError(error: unknown): boolean {
  return /^E(NOSPC|IO|ACCES|PERM|ROFS|DQUOT)$/.test((error as { code?: string })?.code ?? '')
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return null
  }
}

/** The active outputs of a station; a station without one cannot stream (Aircox's rule). */
export async function activeOutputs(station: Station): Promise<Output[]> {
  const outputs = await Output.query()
    .where('station_id', station.id)
    .withScopes((s) => s.active())
    .orderBy('id')
  if (outputs.length === 0) {
    throw new StreamerConfigException(
      `station "${station.slug}" has no active output: add an Icecast or file output before streaming it`
    )
  }
  return outputs
}

/**
 * The playlists of a station's streamed programs: their archives of good
 * quality (any archive if the program says so), in path order, with the gain
 * of each measured sound.
 */
export async function stationPlaylists(station: Station): Promise<StationPlaylist[]> {
  const programs = await Program.query()
    .withScopes((s) => {
      s.station(station)
      s.active()
    })
    .whereHas('stream', () => {})
    .preload('stream')
    .orderBy('id')
  const dir = stationPaths(station).dir
  const playlists: StationPlaylist[] = []
  for (const program of programs) {
    // Only sounds the library found good, unless the program takes any (Aircox ignored quality).
    const sounds = await Sound.query()
      .where('program_id', program.id)
      .withScopes((s) => {
        s.archive()
        if (!program.acceptAnyQuality) s.goodQuality()
      })
      .orderBy('path')
    const id = playlistId(program.slug)
    playlists.push({
      id,
      programId: program.id,
      title: program.title,
      path: join(dir, `${id}.m3u`),
      text: playlistText(sounds, antenneConfig.streamer.loudnessTarget),
      begin: program.stream.begin,
      end: program.stream.end,
      delay: program.stream.delay,
    })
  }
  return playlists
}

function outputSettings(station: Station, output: Output): ScriptOutput {
  const id = `output_${output.id}`
  const encoder = encoderFor(output)
  if (output.type === 'file') {
    const name =
      output.mount || `${station.slug}-%Y%m%d-%H%M%S.${output.format === 'mp3' ? 'mp3' : 'ogg'}`
    // Checked again here: a row written around the model must not reach Liquidsoap either.
    if (!isRecordingName(name)) {
      throw new StreamerConfigException(
        `station "${station.slug}": file output ${output.id} is "${name}", not a file name inside the recordings folder`
      )
    }
    return { id, type: 'file', encoder, path: join(stationPaths(station).dir, 'recordings', name) }
  }
  if (!output.host || !output.port || !output.mount || !output.password) {
    throw new StreamerConfigException(
      `station "${station.slug}": Icecast output ${output.id} needs a host, a port, a mount and a password`
    )
  }
  return {
    id,
    type: 'icecast',
    encoder,
    contentType: contentType(output.format),
    host: output.host,
    port: output.port,
    mount: output.mount,
    password: output.password,
  }
}

/** The station's silence jingle if it is there to play; a missing one is the rotation, not a broken script. */
async function usableJingle(station: Station): Promise<string | null> {
  const path = station.liveSilenceJingle
  if (!path) return null
  const found = await stat(path).catch(() => null)
  return found?.isFile() ? path : null
}

/** Everything the template needs for one station. */
export async function scriptData(
  station: Station,
  playlists: StationPlaylist[]
): Promise<ScriptData> {
  const paths = stationPaths(station)
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new StreamerConfigException(
      `station "${station.slug}": the socket path ${paths.socket} is too long for a unix socket; give the station a shorter path`
    )
  }
  const outputs = (await activeOutputs(station)).map((output) => outputSettings(station, output))
  return {
    header: `${station.name} (${station.slug})`,
    stationName: station.name,
    allowRoot: process.getuid?.() === 0,
    fenced: antenneConfig.streamer.node !== null,
    logPath: paths.log,
    socketPath: paths.socket,
    gateAdvance: antenneConfig.streamer.gateAdvance,
    deadAirAfter: antenneConfig.streamer.deadAirAfter,
    harbor: station.harborPort
      ? {
          port: station.harborPort,
          bind: antenneConfig.streamer.harborBind,
          gate: liveGateCommand(paths.liveCredentials, paths.liveAttempts),
          silenceAfter: Math.max(0, Math.round(station.liveSilenceAfter ?? 0)),
          jingle: await usableJingle(station),
          recordEncoder: station.liveRecordFormat
            ? recordingFormat(station.liveRecordFormat).encoder
            : null,
        }
      : null,
    playlists: playlists.map((playlist) => ({
      id: playlist.id,
      title: playlist.title.replace(/[\r\n]+/g, ' '),
      path: playlist.path,
      begin: playlist.begin,
      end: playlist.end,
      window: timeWindow(playlist.begin, playlist.end),
      delay: playlist.delay,
    })),
    outputs,
  }
}

/** `liquidsoap --check`: the script type-checks, or the error Liquidsoap gives. */
export async function checkScript(path: string): Promise<void> {
  try {
    await run(antenneConfig.streamer.liquidsoap, ['--check', path], { timeout: 60_000 })
  } catch (error) {
    const failure = error as { code?: string | number; stdout?: string; stderr?: string }
    if (failure.code === 'ENOENT') {
      throw new StreamerConfigException(
        `Liquidsoap is not installed (${antenneConfig.streamer.liquidsoap} not found): apt-get install liquidsoap`
      )
    }
    const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`
      .trim()
      .split('\n')
      .slice(-6)
      .join(' | ')
    throw new StreamerConfigException(
      `the generated script does not pass liquidsoap --check: ${output}`
    )
  }
}

/** Writes the playlists that changed; returns their ids (to reload them). */
export async function writePlaylists(playlists: StationPlaylist[]): Promise<string[]> {
  const changed: string[] = []
  for (const playlist of playlists) {
    if ((await readOrNull(playlist.path)) === playlist.text) continue
    await writeAtomically(playlist.path, playlist.text)
    changed.push(playlist.id)
  }
  return changed
}

/** Every playlist of a station rewritten from the database, where it differs (or is damaged). */
export async function rewritePlaylists(station: Station): Promise<string[]> {
  return writePlaylists(await stationPlaylists(station))
}

export interface ConfigResult {
  script: string
  scriptChanged: boolean
  playlists: StationPlaylist[]
}

/** Renders, checks and installs a station's script and playlists. */
export async function writeStationConfig(station: Station): Promise<ConfigResult> {
  const paths = stationPaths(station)
  // File outputs record into recordings/ (see isRecordingName).
  await mkdir(join(paths.dir, 'recordings'), { recursive: true })
  const playlists = await stationPlaylists(station)
  const script = await renderScript(await scriptData(station, playlists))
  // Playlists first: the script refers to them, and --check opens them.
  await writePlaylists(playlists)
  const scriptChanged = (await readOrNull(paths.script)) !== script
  if (scriptChanged) {
    const candidate = join(paths.dir, 'station.check.liq')
    // It holds the outputs' passwords: not for other users.
    await writeFile(candidate, script, { mode: 0o640 })
    try {
      await checkScript(candidate)
      await rename(candidate, paths.script)
    } finally {
      await rm(candidate, { force: true })
    }
  }
  return { script: paths.script, scriptChanged, playlists }
}
