import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readFile } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import app from '@adonisjs/core/services/app'

export default class StreamerUnit extends BaseCommand {
  static commandName = 'streamer:unit'
  static description = 'Print the systemd unit that runs the streamer (or the sound library watcher) for this install'
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

  @flags.string({ description: 'streamer (default) or sounds (the library watcher)', default: 'streamer' })
  declare service: string

  async run() {
    const path = this.path ?? app.makePath()
    if (!isAbsolute(path)) {
      this.logger.error(`E_INVALID_ARGUMENT: --path must be absolute, got "${path}"`)
      this.exitCode = 1
      return
    }
    if (!['streamer', 'sounds'].includes(this.service)) {
      this.logger.error(`E_INVALID_ARGUMENT: --service is streamer or sounds, got "${this.service}"`)
      this.exitCode = 1
      return
    }
    const template = await readFile(app.makePath(`resources/systemd/antenne-${this.service}.service`), 'utf8')
    const values: Record<string, string> = { path, user: this.user, group: this.group ?? this.user, node: process.execPath }
    this.logger.log(template.replace(/\{\{ (\w+) \}\}/g, (_, key: string) => values[key]))
  }
}
