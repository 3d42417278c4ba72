import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

const SERVICES = ['streamer', 'liquidsoap', 'sounds', 'events', 'listeners', 'radiovis', 'web']
// C0 controls, DEL and C1 controls (U+0085 is a newline to some readers).
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

export default class StreamerUnit extends BaseCommand {
  static commandName = 'streamer:unit'
  static description =
    'Print the systemd unit of a service of this install: streamer, liquidsoap, sounds, events, listeners, radiovis or web'
  static help = [
    'sudo sh -c "{{ binaryName }} streamer:unit --user antenne > /etc/systemd/system/antenne-streamer.service"',
    'sudo sh -c "{{ binaryName }} streamer:unit --service sounds --user antenne > /etc/systemd/system/antenne-sounds.service"',
  ]
  static options: CommandOptions = { startApp: false }

  @flags.string({ description: 'Where Antenne is installed (default: this folder)' })
  declare path?: string

  @flags.string({ description: 'The user the streamer runs as', default: 'antenne' })
  declare user: string

  @flags.string({ description: "Its group (default: the user's name)" })
  declare group?: string

  @flags.string({
    description:
      'streamer (default: the on-air monitor), liquidsoap (the playout), sounds (the library watcher), events (sinks), listeners (statistics), radiovis (the STOMP server) or web',
    default: 'streamer',
  })
  declare service: string

  async run() {
    try {
      this.refuseControlCharacters()
      const path = this.path ?? app.makePath()
      if (!isAbsolute(path))
        throw new InvalidArgumentException(`--path must be absolute, got "${path}"`)
      if (!SERVICES.includes(this.service))
        throw new InvalidArgumentException(
          `--service is one of ${SERVICES.join(', ')}, got "${this.service}"`
        )
      const template = await readFile(
        app.makePath(`resources/systemd/antenne-${this.service}.service`),
        'utf8'
      )
      // The compiled build (node ace build) runs its JavaScript; a source tree runs through the TypeScript loader.
      const compiled =
        existsSync(join(path, 'bin', 'server.js')) || existsSync(app.makePath('bin', 'server.js'))
      const server = compiled
        ? 'bin/server.js'
        : '--import=ts-node-maintained/register/esm bin/server.ts'
      const values: Record<string, string> = {
        path,
        user: this.user,
        group: this.group ?? this.user,
        node: process.execPath,
        server,
      }
      this.logger.log(template.replace(/\{\{ (\w+) \}\}/g, (_, key: string) => values[key]))
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('streamer:unit', error)) this.logger.error(line)
    }
  }

  /**
   * A unit file is one directive per line: a newline (or any control
   * character) in a value would let it add directives of its own, e.g. a
   * second ExecStart run as root. Nothing is printed then.
   */
  private refuseControlCharacters() {
    const given = { path: this.path, user: this.user, group: this.group, service: this.service }
    for (const [flag, value] of Object.entries(given)) {
      if (value !== undefined && CONTROL_CHARACTER.test(value)) {
        throw new InvalidArgumentException(
          `--${flag} cannot hold control characters (newline, tab...), got ${JSON.stringify(value)}`
        )
      }
    }
  }
}
