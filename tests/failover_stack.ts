/*
| Two playout hosts and an origin Icecast, each in a network namespace of
| its own (tests/netns.ts), sharing one MariaDB: what the standby tests and
| `npm run bench:failover` fault for real.
|
|   origin   10.N.0.10  Icecast (the station's mount and its fallback)
|   play1    10.N.0.21  node ace streamer -c -r -m, ANTENNE_NODE=play1
|   play2    10.N.0.22  the same, ANTENNE_NODE=play2
|   edge     10.N.0.11  Icecast relaying the origin (icecast:config --edge)
|   root     10.N.0.1   MariaDB through one TcpRelay per playout host, so
|                       that one host can be partitioned from it alone
|
| A listener in the root namespace stays on the edge's mount throughout.
| A watcher asks both Liquidsoaps (their sockets: the files are shared) every
| 50 ms whether their outputs are connected: both at once is a double-source
| incident.
*/
import { execFile, type ChildProcess } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Station from '#models/station'
import Output from '#models/output'
import Edge from '#models/edge'
import Program from '#models/program'
import Episode from '#models/episode'
import Diffusion from '#models/diffusion'
import Sound from '#models/sound'
import { changeStampPath, touchChangeStamp } from '#models/change_stamp'
import { addEdge } from '#edges/edge_registry'
import { makeMusic } from '#demo/demo_audio'
import { currentLease } from '#streamer/station_lease'
import { parseStatus } from '#streamer/on_air_status'
import { LiquidsoapClient } from '#streamer/telnet'
import { isAlive } from '#streamer/zombies'
import { TcpRelay, TestNetwork, type NetHost } from '#tests/netns'
import { HeldListener } from '#tests/on_air_stack'

const run = promisify(execFile)
export const ORIGIN_PORT = 8000
const PORT = ORIGIN_PORT
const PASSWORD = 'failoverpw'
export const NODES = ['play1', 'play2'] as const
export type NodeName = (typeof NODES)[number]

interface PlayoutNode {
  name: NodeName
  host: NetHost
  relay: TcpRelay
  dir: string
  process: ChildProcess | null
  client: LiquidsoapClient
}

export class FailoverStack {
  network!: TestNetwork
  origin!: NetHost
  edge!: NetHost
  nodes = new Map<NodeName, PlayoutNode>()
  station!: Station
  show!: Program
  listener!: HeldListener
  output: string[] = []
  #icecasts = new Set<ChildProcess>()
  #stopping = false
  #watch: NodeJS.Timeout | null = null
  /** Samples where both nodes had an output connected, and the runs of such samples (incidents). */
  doubleSources = 0
  doubleSourceIncidents = 0
  #both = false
  readonly mount: string

  constructor(
    readonly work: string,
    readonly prefix = 'as',
    readonly subnet = 78,
    /** Seconds of the show's sound: a diffusion lasts that long. */
    readonly showSeconds = 150
  ) {
    this.mount = `/failover-${prefix}.mp3`
  }

  said = () => this.output.slice(-40).join('')

  /** Everything up; what a set-up that fails half-way started is stopped before it throws. */
  async setup() {
    try {
      await this.#setup()
    } catch (error) {
      await this.teardown()
      throw error
    }
  }

  async #setup() {
    await rm(this.work, { recursive: true, force: true })
    await mkdir(join(this.work, 'audio'), { recursive: true })
    this.network = await TestNetwork.create(this.prefix, this.subnet)
    this.origin = await this.network.host('origin', 10)
    const audio = (name: string) => join(this.work, 'audio', name)
    await Promise.all([
      makeMusic(audio('r1.mp3'), 20, 1, { title: 'Rotation One', artist: 'Failover' }),
      makeMusic(audio('r2.mp3'), 20, 2, { title: 'Rotation Two', artist: 'Failover' }),
      makeMusic(audio('show.mp3'), this.showSeconds, 4, { title: 'The show', artist: 'Failover' }),
    ])
    this.station = await Station.create({
      name: 'Failover',
      slug: `failover-${this.prefix}-${Date.now()}`,
      timezone: 'Europe/Paris',
      isDefault: false,
      active: true,
      path: null,
    })
    await Output.create({
      stationId: this.station.id,
      type: 'icecast',
      host: this.origin.ip,
      port: PORT,
      mount: this.mount,
      password: PASSWORD,
      format: 'mp3',
      bitrate: 128,
      active: true,
    })
    const rotation = await Program.create({
      stationId: this.station.id,
      title: 'Rotation',
      slug: 'rotation',
      active: true,
    })
    await db.table('streams').insert({ program_id: rotation.id, delay: 0 })
    for (const name of ['r1.mp3', 'r2.mp3'])
      await Sound.create({
        programId: rotation.id,
        name,
        path: audio(name),
        type: 'archive',
        duration: 20,
        isPublic: true,
        isGoodQuality: true,
      })
    this.show = await Program.create({
      stationId: this.station.id,
      title: 'Show',
      slug: 'show',
      active: true,
    })
    await this.#startOrigin()
    this.edge = await this.network.host('edge', 11)
    await addEdge({
      name: `${this.prefix}-edge`,
      host: this.edge.ip,
      port: PORT,
      stations: [this.station.slug],
    })
    await this.#startEdge()
    for (const [index, name] of NODES.entries()) {
      const host = await this.network.host(name, 21 + index)
      const relay = new TcpRelay(this.network.gateway, 13321 + index, '127.0.0.1', 3306)
      await relay.start()
      const dir = join(this.work, name)
      const node: PlayoutNode = {
        name,
        host,
        relay,
        dir,
        process: null,
        client: new LiquidsoapClient(
          { path: join(dir, this.station.slug, 'station.sock') },
          { timeout: 1000, connectTimeout: 300 }
        ),
      }
      this.nodes.set(name, node)
    }
    this.listener = new HeldListener(this.edge.ip, PORT, this.mount)
  }

  /** An Icecast folder Icecast may use: outside the checkout, owned by the user it drops to. */
  async #icecastDir(name: string) {
    const dir = join(tmpdir(), `antenne-${this.prefix}-${name}`)
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, 'log'), { recursive: true })
    return dir
  }

  async #ace(args: string[]) {
    return run(process.execPath, ['ace', ...args], {
      cwd: app.makePath(),
      env: { ...process.env, NODE_ENV: 'test' },
    })
  }

  /** Icecast in a host's namespace, as bin/icecast runs it (root, dropping to icecast2). */
  async #icecast(host: NetHost, dir: string) {
    await run('chown', ['-R', 'icecast2:icecast', dir])
    const spawnIt = () => {
      const child = host.spawn('icecast2', ['-c', join(dir, 'icecast.xml')], { stdio: 'ignore' })
      this.#icecasts.add(child)
      child.on('exit', (_code, signal) => {
        this.#icecasts.delete(child)
        // Icecast 2.4.4 now and then segfaults as its relays start: started again, as systemd would.
        if (signal === 'SIGSEGV' && !this.#stopping) spawnIt()
      })
    }
    spawnIt()
    await this.waitFor(`Icecast on ${host.name}`, async () =>
      fetch(`http://${host.ip}:${PORT}/status-json.xsl`).then((r) => r.ok)
    )
  }

  async #startOrigin() {
    const dir = await this.#icecastDir('origin')
    const { stdout } = await this.#ace(
      ['icecast:config', '--full', '--port', String(PORT), '--bind', this.origin.ip].concat([
        '--dir',
        dir,
        '--station',
        this.station.slug,
        '--password',
        PASSWORD,
      ])
    )
    await writeFile(join(dir, 'icecast.xml'), stdout, { mode: 0o600 })
    await this.#icecast(this.origin, dir)
  }

  /** The edge, configured only by `icecast:config --edge`. */
  async #startEdge() {
    const dir = await this.#icecastDir('edge')
    await this.#ace(
      ['icecast:config', '--edge', `${this.prefix}-edge`, '--dir', dir]
        .concat(['--origin', `${this.origin.ip}:${PORT}`])
        .concat(['--output', join(dir, 'icecast.xml')])
    )
    await this.#icecast(this.edge, dir)
  }

  /** Whether the edge relays the station's mount (it has a source there). */
  async edgeRelays(): Promise<boolean> {
    const status = await fetch(`http://${this.edge.ip}:${PORT}/status-json.xsl`, {
      signal: AbortSignal.timeout(1000),
    }).then((r) => r.text())
    return status.includes(`${this.mount}"`)
  }

  /** `node ace streamer -c -r -m` on a playout host, as its systemd unit runs it. */
  startNode(name: NodeName) {
    const node = this.nodes.get(name)!
    const child = node.host.spawn(
      process.execPath,
      ['ace', 'streamer', '-c', '-r', '-m', '--station', this.station.slug, '--delay', '200'],
      {
        cwd: app.makePath(),
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DB_CONNECTION: 'mysql',
          MYSQL_HOST: this.network.gateway,
          MYSQL_PORT: String(node.relay.listenPort),
          ANTENNE_NODE: name,
          ANTENNE_STATIONS_DIR: node.dir,
          // The stamp the CMS touches, on storage the hosts share (as the sounds are).
          ANTENNE_CHANGE_STAMP: changeStampPath(),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    child.stdout!.on('data', (chunk) => this.output.push(`[${name}] ${chunk}`))
    child.stderr!.on('data', (chunk) => this.output.push(`[${name}] ${chunk}`))
    node.process = child
    return child
  }

  async stopNode(name: NodeName) {
    const child = this.nodes.get(name)!.process
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGCONT')
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }

  /** The node holding the lease now, by the database's clock. */
  async leader(): Promise<NodeName | null> {
    const lease = await currentLease(this.station.id)
    return lease && lease.expiresAt > lease.now ? (lease.holder as NodeName) : null
  }

  async token(): Promise<number> {
    return (await currentLease(this.station.id))?.token ?? 0
  }

  /** Who Icecast has as the mount's source (its address), from its admin stats. */
  async source(): Promise<NodeName | null> {
    const response = await fetch(`http://${this.origin.ip}:${PORT}/admin/stats`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
      signal: AbortSignal.timeout(1000),
    }).catch(() => null)
    if (!response?.ok) return null
    const xml = await response.text()
    const section = new RegExp(`<source mount="${this.mount}">([\\s\\S]*?)</source>`).exec(xml)
    const ip = section && /<source_ip>([^<]+)<\/source_ip>/.exec(section[1])?.[1]
    return [...this.nodes.values()].find((node) => node.host.ip === ip)?.name ?? null
  }

  /** Whether a node's Liquidsoap has an output connected. */
  async outputsUp(name: NodeName): Promise<boolean> {
    const raw = await this.nodes
      .get(name)!
      .client.raw('station.status')
      .catch(() => null)
    if (!raw) return false
    return Object.values(parseStatus(raw).outputs).some(Boolean)
  }

  async status(name: NodeName) {
    return parseStatus(await this.nodes.get(name)!.client.raw('station.status'))
  }

  /** The double-source watcher: both nodes' outputs connected in one sample is an incident. */
  watch() {
    this.#watch = setInterval(async () => {
      const [a, b] = await Promise.all(NODES.map((name) => this.outputsUp(name)))
      if (a && b) this.doubleSources++
      if (a && b && !this.#both) this.doubleSourceIncidents++
      this.#both = a && b
    }, 50)
  }

  /** A diffusion of the show's sound, starting at the next second but one. */
  async diffusion(): Promise<Diffusion> {
    const start = DateTime.utc().plus({ seconds: 2 }).startOf('second')
    const episode = await Episode.create({
      programId: this.show.id,
      title: `Failover ${start.toISOTime()}`,
      slug: `failover-${start.toMillis()}`,
    })
    await Sound.create({
      episodeId: episode.id,
      programId: this.show.id,
      name: 'show.mp3',
      path: join(this.work, 'audio', 'show.mp3'),
      type: 'archive',
      duration: this.showSeconds,
      isPublic: true,
      isGoodQuality: true,
    })
    const diffusion = await Diffusion.create({
      episodeId: episode.id,
      programId: this.show.id,
      type: 'on_air',
      start,
      end: start.plus({ seconds: this.showSeconds + 10 }),
    })
    touchChangeStamp()
    return diffusion
  }

  /** The diffusion's start rows and the on-air rows of its sound, by type. */
  async rowsOf(diffusion: Diffusion) {
    const rows = await db
      .from('logs')
      .where('station_id', this.station.id)
      .where('diffusion_id', diffusion.id)
      .select('type', 'source', 'date')
    return {
      start: rows.filter((r) => r.type === 'start').length,
      onAir: rows.filter((r) => r.type === 'on_air').length,
      rows,
    }
  }

  async waitFor<T>(what: string, probe: () => Promise<T | null | false>, ms = 40_000) {
    const until = Date.now() + ms
    for (;;) {
      const value = await probe().catch(() => null)
      if (value) return value
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${this.said()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** The Liquidsoaps of the playout hosts, by their scripts (each host has its own folder). */
  async liquidsoapPid(name: NodeName): Promise<number> {
    const script = join(this.nodes.get(name)!.dir, this.station.slug, 'station.liq')
    const { stdout } = await run('pgrep', ['-f', `liquidsoap ${script}`]).catch(() => ({
      stdout: '',
    }))
    return Number(stdout.split('\n')[0]) || 0
  }

  async teardown() {
    if (this.#watch) clearInterval(this.#watch)
    this.listener?.stop()
    for (const node of this.nodes.values()) {
      await this.stopNode(node.name)
      const pid = await this.liquidsoapPid(node.name)
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL')
      await node.client.close()
      await node.relay.stop()
    }
    this.#stopping = true
    for (const child of this.#icecasts) child.kill('SIGKILL')
    await this.network?.destroy()
    await Edge.query()
      .where('name', `${this.prefix}-edge`)
      .delete()
      .catch(() => {})
    if (this.station) await this.station.delete().catch(() => {})
  }
}
