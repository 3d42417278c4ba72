import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { randomBytes } from 'node:crypto'
import { isAbsolute } from 'node:path'
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

  @flags.string({ description: 'With --full: the address it listens on', default: '127.0.0.1' })
  declare bind: string

  @flags.string({ description: 'With --full: the folder of its logs and pid file (absolute)' })
  declare dir?: string

  @flags.string({
    description:
      'With --full: the global source and admin password (default: ICECAST_PASSWORD, else random)',
  })
  declare password?: string

  async run() {
    try {
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
            bindAddress: this.bind,
            hostname: this.bind,
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
}
