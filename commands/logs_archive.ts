import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import { LogArchiver } from '#archives/log_archiver'
import { commandFailureLines } from '#exceptions/command_failure'

export default class LogsArchive extends BaseCommand {
  static commandName = 'logs:archive'
  static description =
    'Move on-air logs older than --age days to gzipped JSON lines files (or --restore them)'
  static help = [
    'One file per station and local day: <ANTENNE_ARCHIVES_DIR>/<station>/<yyyy-mm-dd>.jsonl.gz',
    '{{ binaryName }} logs:archive --age 60                 (monthly cron: the public log keeps two months)',
    '{{ binaryName }} logs:archive --restore tmp/archives/demo/2026-01-05.jsonl.gz   (a file, a station folder or all)',
  ]
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Archive logs older than this many days', default: 60 })
  declare age: number

  @flags.array({ description: 'Only this station (repeatable)' })
  declare station?: string[]

  @flags.string({ description: 'The archive folder', default: antenneConfig.archivesDir })
  declare dir: string

  @flags.boolean({ description: 'Count what would be archived; change nothing' })
  declare dryRun?: boolean

  @flags.string({ description: 'Put the logs of an archive file (or folder) back' })
  declare restore?: string

  async run() {
    try {
      const archiver = new LogArchiver(this.dir)
      if (this.restore) {
        const report = await archiver.restore(this.restore)
        this.logger.success(
          `${report.inserted} log(s) restored from ${report.files} file(s); ${report.present} were there already`
        )
        return
      }
      const report = await archiver.archive(this.age, {
        stations: this.station,
        dryRun: this.dryRun,
      })
      if (this.dryRun)
        this.logger.info(`${report.rows} log(s) older than ${this.age} days would be archived`)
      else
        this.logger.success(
          `${report.rows} log(s) archived into ${report.files.length} file(s) under ${this.dir}`
        )
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('logs:archive', error)) this.logger.error(line)
    }
  }
}
