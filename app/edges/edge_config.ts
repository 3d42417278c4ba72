/*
| What `icecast:config --edge NAME` needs around the pure edgeConfig: the
| edge's row, the mounts of the stations it relays, the origin it pulls them
| from, and its webroot (Debian's status pages and one local fallback file per
| mount, for when the origin's Icecast is away).
*/
import { execFile } from 'node:child_process'
import { mkdir, readdir, stat, symlink } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { InvalidArgumentException } from '#exceptions/domain'
import Edge from '#models/edge'
import { icecastMounts, type StationMount } from '#streamer/icecast_mounts'
import { edgeConfig, edgeFileMount, type RelayUpstream } from '#streamer/icecast_config'

const run = promisify(execFile)
const DEBIAN_WEBROOT = '/usr/share/icecast2/web'

/** `host:port`, `[v6]:port`: the origin as the edges reach it. */
export function parseOrigin(value: string): RelayUpstream {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/.exec(value.trim())
  const port = Number(match?.[2])
  if (!match || port < 1 || port > 65535)
    throw new InvalidArgumentException(`invalid origin "${value}": host:port`)
  return { host: match[1].replace(/^\[|\]$/g, ''), port }
}

export async function findEdge(name: string): Promise<Edge> {
  const edge = await Edge.query().where('name', name).preload('stations').first()
  if (!edge) throw new InvalidArgumentException(`unknown edge "${name}" (node ace edges:list)`)
  return edge
}

/** The mounts an edge relays: those of its stations (every active one when allStations). */
export async function edgeMounts(edge: Edge): Promise<StationMount[]> {
  const ids = edge.stations?.map((s) => s.id) ?? []
  return (await icecastMounts()).filter((m) => edge.relays(m.stationId, ids))
}

export interface EdgeConfigOptions {
  dir: string
  /** Overrides the outputs' host:port (ANTENNE_ORIGIN, --origin). */
  origin?: RelayUpstream
  bind?: string
}

export async function renderEdgeConfig(edge: Edge, options: EdgeConfigOptions) {
  const mounts = await edgeMounts(edge)
  return {
    mounts,
    xml: edgeConfig(
      {
        name: edge.name,
        port: edge.port,
        bindAddress: options.bind ?? (isIP(edge.host) ? edge.host : '0.0.0.0'),
        hostname: edge.host,
        relayPassword: edge.relayPassword,
        adminUser: edge.adminUser,
        adminPassword: edge.adminPassword,
        dir: options.dir,
        asRoot: process.getuid?.() === 0,
      },
      mounts.map((m) => ({ ...m, upstream: options.origin ?? { host: m.host, port: m.port } }))
    ),
  }
}

/**
 * `<dir>/web`: links to Debian's pages (status-json.xsl the pollers read) and
 * ten seconds of silence per mount in its format and bitrate, which Icecast
 * loops to listeners while the origin's Icecast is away. Kept when present
 * (an operator may put a station ident there instead).
 */
export async function prepareEdgeWebroot(dir: string, mounts: StationMount[]) {
  const web = join(dir, 'web')
  await mkdir(join(dir, 'log'), { recursive: true })
  await mkdir(web, { recursive: true })
  for (const file of await readdir(DEBIAN_WEBROOT).catch(() => [] as string[]))
    await symlink(join(DEBIAN_WEBROOT, file), join(web, file)).catch((error) => {
      if (error.code !== 'EEXIST') throw error
    })
  for (const m of mounts) {
    const path = join(web, edgeFileMount(m.mount).slice(1))
    if (
      await stat(path).then(
        () => true,
        () => false
      )
    )
      continue
    await mkdir(join(path, '..'), { recursive: true })
    // Liquidsoap's rates: 44.1 kHz, 48 kHz for Opus (which knows no other).
    const codec =
      m.format === 'mp3'
        ? ['-c:a', 'libmp3lame', '-f', 'mp3']
        : m.format === 'opus'
          ? ['-c:a', 'libopus', '-f', 'ogg']
          : ['-c:a', 'libvorbis', '-f', 'ogg']
    const rate = m.format === 'opus' ? 48000 : 44100
    await run('ffmpeg', [
      ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi'],
      ...['-i', `anullsrc=r=${rate}:cl=stereo`, '-t', '10'],
      ...['-b:a', `${m.bitrate}k`, ...codec, path],
    ])
  }
}
