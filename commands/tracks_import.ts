import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { resolve } from 'node:path'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'
import { importTracklistFile } from '#library/tracklist_import'

export default class TracksImport extends BaseCommand {
  static commandName = 'tracks:import'
  static description =
    'Import a CSV tracklist (artist;title;minutes;seconds;tags;info) into a sound, replacing its tracks'
  static help = [
    'The sound is the one with the same name beside the CSV (or anywhere, if only one has it):',
    '  {{ binaryName }} tracks:import tmp/programs/rotation/archives/mix_demo_session.csv',
    'Or name it:  {{ binaryName }} tracks:import playlist.csv --sound 42',
  ]

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The CSV file' })
  declare file: string

  @flags.number({ description: 'The id of the sound to attach the tracklist to' })
  declare sound?: number

  async run() {
    try {
      if (this.sound !== undefined && (!Number.isInteger(this.sound) || this.sound < 1)) {
        throw new InvalidArgumentException(`invalid --sound "${this.sound}": a sound id`)
      }
      const { sound, tracks } = await importTracklistFile(resolve(this.file), this.sound)
      this.logger.success(`${tracks} tracks imported into sound ${sound.id} (${sound.path})`)
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('tracks:import', error)) this.logger.error(line)
    }
  }
}
