import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import { createBackup } from '#archives/backup'
import { commandFailureLines } from '#exceptions/command_failure'

export default class Backup extends BaseCommand {
  static commandName = 'backup'
  static description =
    'Write a backup of the database and the station configurations (keeps the newest --keep)'
  static help = [
    'One portable file (gzipped JSON lines) that restores into SQLite or MariaDB: node ace restore FILE --force',
    '{{ binaryName }} backup --keep 14        (daily cron)',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'The backups folder', default: antenneConfig.backupsDir })
  declare dir: string

  @flags.number({ description: 'How many backups to keep', default: 7 })
  declare keep: number

  async run() {
    try {
      const { path, counts, removed, size } = await createBackup(this.dir, this.keep)
      const rows = Object.entries(counts)
        .filter(([k]) => k !== 'files')
        .reduce((a, [, n]) => a + n, 0)
      this.logger.success(
        `${path}: ${rows} rows, ${counts.files ?? 0} station file(s), ${(size / 1024).toFixed(0)} KiB${removed.length ? `; removed ${removed.length} older backup(s)` : ''}`
      )
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('backup', error)) this.logger.error(line)
    }
  }
}
