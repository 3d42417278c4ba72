import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readFile } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import app from '@adonisjs/core/services/app'

const SERVICES = ['streamer', 'liquidsoap', 'sounds', 'events', 'listeners', 'web']

export default class StreamerUnit extends BaseCommand {
  static commandName = 'streamer:unit'
  static description = 'Print the systemd unit of a service of this install: streamer, liquidsoap, sounds, events, listeners or web'
  static help = [
    'sudo sh -c "{{ binaryName }} streamer:unit --user antenne > /etc/systemd/system/antenne-streamer.service"',
    'sudo sh -c "{{ binaryName }} streamer:unit --service sounds --user antenne > /etc/systemd/system/antenne-sounds.service"',
  ]
  static options: CommandOptions = { startApp: false }

  @flags.string({ description: 'Where Antenne is installed (default: this folder)' })
  declare path?: string

  @flags.string({ description: 'The user the streamer runs as', default: 'antenne' })
  declare user: string

  @flags.string({ description: 'Its group (default: the user\'s name)' })
  declare group?: string

  @flags.string({ description: 'streamer (default: the on-air monitor), liquidsoap (the playout), sounds (the library watcher), events (sinks and RadioVIS), listeners (statistics) or web', default: 'streamer' })
  declare service: string

  async run() {
    const path = this.path ?? app.makePath()
    if (!isAbsolute(path)) {
      this.logger.error(`E_INVALID_ARGUMENT: --path must be absolute, got "${path}"`)
      this.exitCode = 1
      return
    }
    if (!SERVICES.includes(this.service)) {
      this.logger.error(`E_INVALID_ARGUMENT: --service is one of ${SERVICES.join(', ')}, got "${this.service}"`)
      this.exitCode = 1
      return
    }
    const template = await readFile(app.makePath(`resources/systemd/antenne-${this.service}.service`), 'utf8')
    const values: Record<string, string> = { path, user: this.user, group: this.group ?? this.user, node: process.execPath }
    this.logger.log(template.replace(/\{\{ (\w+) \}\}/g, (_, key: string) => values[key]))
  }
}
