/*
| Several hosts on this machine, for the tests of what crosses a network
| (edges, a standby streamer): each host is a network namespace of the test's
| own, joined to a bridge in the root namespace by a veth pair. The root
| namespace is the "router" at 10.N.0.1: what runs there (MariaDB through a
| TcpRelay, the test itself) is reached at that address. Needs root (CI runs
| as root); a test that cannot make its network fails, it is never skipped.
*/
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import net from 'node:net'
import { promisify } from 'node:util'

const run = promisify(execFile)

async function ip(...args: string[]) {
  await run('ip', args)
}

export interface NetHost {
  name: string
  /** The namespace's name. */
  ns: string
  /** Its address on the bridge. */
  ip: string
  /** A process inside the namespace (same files, same users: only the network is its own). */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess
  /** A command inside the namespace, to its end. */
  run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }>
}

export class TestNetwork {
  readonly hosts: NetHost[] = []

  private constructor(
    /** Short: names are built from it (interfaces have at most 15 characters). */
    readonly prefix: string,
    /** The second octet: 10.<subnet>.0.0/24. */
    readonly subnet: number
  ) {}

  get bridge() {
    return `br-${this.prefix}`
  }

  /** The root namespace's address on the bridge. */
  get gateway() {
    return `10.${this.subnet}.0.1`
  }

  /** A bridge at 10.<subnet>.0.1/24; leftovers of a run that was killed are removed first. */
  static async create(prefix: string, subnet: number): Promise<TestNetwork> {
    if (process.getuid?.() !== 0)
      throw new Error('network namespaces need root: run the tests as root (CI does)')
    const network = new TestNetwork(prefix, subnet)
    await network.#clean()
    await ip('link', 'add', network.bridge, 'type', 'bridge')
    await ip('addr', 'add', `${network.gateway}/24`, 'dev', network.bridge)
    await ip('link', 'set', network.bridge, 'up')
    return network
  }

  /** A host at 10.<subnet>.0.<octet>, with its loopback up and a default route through the bridge. */
  async host(name: string, octet: number): Promise<NetHost> {
    const ns = `${this.prefix}-${name}`
    const outside = `v${this.prefix}${octet}`
    const inside = `p${this.prefix}${octet}`
    const address = `10.${this.subnet}.0.${octet}`
    await ip('netns', 'add', ns)
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside)
    await ip('link', 'set', inside, 'netns', ns)
    await ip('link', 'set', outside, 'master', this.bridge)
    await ip('link', 'set', outside, 'up')
    await ip('-n', ns, 'link', 'set', 'lo', 'up')
    await ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside)
    await ip('-n', ns, 'link', 'set', inside, 'up')
    await ip('-n', ns, 'route', 'add', 'default', 'via', this.gateway)
    const host: NetHost = {
      name,
      ns,
      ip: address,
      spawn: (command, args, options = {}) =>
        spawn('ip', ['netns', 'exec', ns, command, ...args], options),
      run: (command, args) => run('ip', ['netns', 'exec', ns, command, ...args]),
    }
    this.hosts.push(host)
    return host
  }

  /** Cuts a host off the network (its link down) or puts it back. */
  async link(host: NetHost, up: boolean) {
    const octet = host.ip.split('.')[3]
    await ip('link', 'set', `v${this.prefix}${octet}`, up ? 'up' : 'down')
  }

  async destroy() {
    await this.#clean()
  }

  async #clean() {
    const { stdout } = await run('ip', ['netns', 'list'])
    for (const line of stdout.split('\n')) {
      const ns = line.split(' ')[0]
      if (!ns.startsWith(`${this.prefix}-`)) continue
      // Whatever still runs in it goes with it.
      const { stdout: pids } = await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }))
      for (const pid of pids.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {}
      }
      await ip('netns', 'del', ns).catch(() => {})
    }
    await ip('link', 'del', this.bridge).catch(() => {})
    this.hosts.length = 0
  }
}

/**
 * A TCP relay of the test's own, in the root namespace: a host in a
 * namespace reaches a local service (MariaDB at 127.0.0.1:3306) through it,
 * and `cut()` partitions that host from the service for real: every
 * connection is reset and new ones are refused until `restore()`.
 */
export class TcpRelay {
  #server: net.Server | null = null
  #sockets = new Set<net.Socket>()
  #cut: false | 'reset' | 'blackhole' = false
  #held = new Set<net.Socket>()

  constructor(
    readonly listenHost: string,
    readonly listenPort: number,
    readonly targetHost: string,
    readonly targetPort: number
  ) {}

  async start() {
    this.#server = net.createServer((client) => {
      if (this.#cut === 'reset') return client.destroy()
      if (this.#cut === 'blackhole') {
        // Accepted, never answered: what a dropped route looks like to a client.
        this.#held.add(client.on('error', () => {}))
        return client.pause()
      }
      const upstream = net.connect(this.targetPort, this.targetHost)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {})
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(this.listenPort, this.listenHost, () => resolve())
    })
  }

  /**
   * A partition. `reset`: what is connected is dropped and new connections are
   * refused. `blackhole`: packets vanish, as when a route is lost: queries in
   * flight and new connections hang, nothing is answered.
   */
  cut(mode: 'reset' | 'blackhole' = 'reset') {
    this.#cut = mode
    for (const socket of this.#sockets) {
      if (mode === 'reset') socket.destroy()
      else {
        socket.unpipe()
        socket.pause()
      }
    }
  }

  restore() {
    this.#cut = false
    // Connections black-holed stay dead (their bytes were lost): as after a real partition, they time out.
    for (const socket of [...this.#sockets, ...this.#held]) socket.destroy()
    this.#held.clear()
  }

  async stop() {
    this.cut('reset')
    for (const socket of this.#held) socket.destroy()
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve()
    )
    this.#server = null
  }
}
