import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { randomBytes } from 'node:crypto'
import { chmod, rename, writeFile } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import { findEdge, parseOrigin, prepareEdgeWebroot, renderEdgeConfig } from '#edges/edge_config'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'
import { fullConfig, mountSections } from '#streamer/icecast_config'
import { icecastMounts } from '#streamer/icecast_mounts'

export default class IcecastConfig extends BaseCommand {
  static commandName = 'icecast:config'
  static description =
    'Print the Icecast <mount> sections of the outputs (each with its fallback), or a whole icecast.xml with --full'
  static help = [
    "Merge into Debian's server:  {{ binaryName }} icecast:config > /tmp/mounts.xml   (paste inside <icecast> of /etc/icecast2/icecast.xml)",
    'A fresh server:             {{ binaryName }} icecast:config --full --port 8000 --dir /var/lib/antenne/icecast > icecast.xml',
    'An edge relay:              {{ binaryName }} icecast:config --edge paris-1 --dir /var/lib/antenne/edge --origin origin.radio:8000 --output /var/lib/antenne/edge/icecast.xml',
    "  (--origin, else ANTENNE_ORIGIN, else the outputs' host:port; --output writes the file 0600 and the webroot <dir>/web)",
  ]
  static options: CommandOptions = { startApp: true }

  @flags.array({
    alias: 's',
    description: 'A station slug (repeatable; default: every active station)',
  })
  declare station?: string[]

  @flags.boolean({ description: 'A whole icecast.xml for a fresh server, not only the mounts' })
  declare full: boolean

  @flags.number({
    description: 'Only the outputs on this port; with --full, the port it listens on',
  })
  declare port?: number

  @flags.string({
    description:
      "With --full: the address it listens on (127.0.0.1); with --edge: the edge's host when an address, else 0.0.0.0",
  })
  declare bind?: string

  @flags.string({ description: 'With --full: the folder of its logs and pid file (absolute)' })
  declare dir?: string

  @flags.string({
    description:
      'With --full: the global source and admin password (default: ICECAST_PASSWORD, else random)',
  })
  declare password?: string

  @flags.string({ description: "An edge's whole icecast.xml: its relays of the origin's mounts" })
  declare edge?: string

  @flags.string({
    description:
      "With --edge: the origin as the edge reaches it, host:port (default: ANTENNE_ORIGIN, else the outputs' host:port)",
  })
  declare origin?: string

  @flags.string({
    description:
      'Write to this file (mode 0600: it holds passwords) instead of printing; with --edge, also prepares <dir>/web',
  })
  declare output?: string

  async run() {
    try {
      if (this.edge !== undefined) return await this.#edge(this.edge)
      if (
        this.port !== undefined &&
        (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535)
      ) {
        throw new InvalidArgumentException(`invalid --port "${this.port}": 1 to 65535`)
      }
      const mounts = await icecastMounts({ stations: this.station, port: this.port })
      if (!this.full) {
        this.logger.log(mountSections(mounts))
        return
      }
      if (!this.port) throw new InvalidArgumentException('--full needs --port')
      if (!this.dir || !isAbsolute(this.dir))
        throw new InvalidArgumentException('--full needs --dir, an absolute folder')
      const password =
        this.password ?? process.env.ICECAST_PASSWORD ?? randomBytes(12).toString('base64url')
      this.logger.log(
        fullConfig(
          {
            port: this.port,
            bindAddress: this.bind ?? '127.0.0.1',
            hostname: this.bind ?? '127.0.0.1',
            sourcePassword: password,
            adminPassword: password,
            dir: this.dir,
            asRoot: process.getuid?.() === 0,
          },
          mounts
        ).trimEnd()
      )
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('icecast:config', error)) this.logger.error(line)
    }
  }

  async #edge(name: string) {
    if (!this.dir || !isAbsolute(this.dir))
      throw new InvalidArgumentException('--edge needs --dir, an absolute folder')
    if (this.output !== undefined && !isAbsolute(this.output))
      throw new InvalidArgumentException('--output needs an absolute path')
    const origin = this.origin ?? process.env.ANTENNE_ORIGIN
    const edge = await findEdge(name)
    const { xml, mounts } = await renderEdgeConfig(edge, {
      dir: this.dir,
      origin: origin ? parseOrigin(origin) : undefined,
      bind: this.bind,
    })
    if (!mounts.length)
      this.logger.warning(
        `edge "${name}" relays no mount: no active Icecast output of its stations`
      )
    if (this.output === undefined) return this.logger.log(xml.trimEnd())
    await prepareEdgeWebroot(this.dir, mounts)
    // Written whole then renamed: Icecast never reads half a file; 0600 from the start.
    const partial = `${this.output}.tmp`
    await writeFile(partial, xml, { mode: 0o600 })
    await chmod(partial, 0o600)
    await rename(partial, this.output)
    this.logger.info(`wrote ${this.output} (${mounts.length} mount(s), each with its fallback)`)
  }
}
