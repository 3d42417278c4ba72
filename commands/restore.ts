import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { restoreBackup } from '#archives/backup'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

export default class Restore extends BaseCommand {
  static commandName = 'restore'
  static description =
    'Replace the database and the station configurations with a backup (needs --force)'
  static help = [
    'Stop the streamer, the library watcher and the web first; then: {{ binaryName }} restore tmp/backups/antenne-20261202-013000.backup.gz --force',
    'It runs in one transaction: a backup that cannot be applied leaves the database as it was.',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The backup file' })
  declare file: string

  @flags.boolean({ description: 'Yes, replace everything in the database' })
  declare force?: boolean

  async run() {
    try {
      if (!this.force)
        throw new InvalidArgumentException(
          'restore replaces everything in the database: add --force to confirm'
        )
      const { counts, files, created } = await restoreBackup(this.file)
      const rows = Object.values(counts).reduce((a, n) => a + n, 0)
      this.logger.success(
        `restored the backup of ${created}: ${rows} rows, ${files} station file(s)`
      )
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('restore', error)) this.logger.error(line)
    }
  }
}
