import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import { ListenerCollector } from '#stats/listener_collector'
import { commandFailureLines, terminateCommand, commandLogger } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

export default class Listeners extends BaseCommand {
  static commandName = 'listeners'
  static description =
    "Poll each station's Icecast and each edge relay for listener statistics (once, or --monitor for ever)"
  static help = [
    "Samples per mount from /status-json.xsl; sessions from /admin/listclients when the output has Icecast's admin account.",
    "Every active edge relay too, with its admin account (the edges' relays are no listeners at the origin); --monitor emits edge_down / edge_up.",
    '{{ binaryName }} listeners --monitor --interval 30      (systemd: node ace streamer:unit --service listeners)',
  ]

  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.boolean({ description: 'Poll every --interval seconds until stopped' })
  declare monitor?: boolean

  @flags.number({ description: 'Seconds between polls', default: antenneConfig.listeners.interval })
  declare interval: number

  @flags.boolean({
    description:
      'Delete samples and sessions older than the retention (ANTENNE_LISTENERS_RETENTION_DAYS)',
  })
  declare prune?: boolean

  async run() {
    const collector = new ListenerCollector(commandLogger(this))
    try {
      if (!Number.isFinite(this.interval) || this.interval < 1)
        throw new InvalidArgumentException(
          `invalid --interval "${this.interval}": 1 second or more`
        )
      if (this.prune) {
        const pruned = await collector.prune()
        this.logger.info(`pruned ${pruned.samples} samples and ${pruned.sessions} sessions`)
      }
      if (!this.monitor) {
        const report = await collector.collect()
        this.logger.info(
          `${report.samples} samples, ${report.sessionsOpened} sessions opened, ${report.sessionsClosed} closed, ${report.failures} failures`
        )
        if (report.failures) this.exitCode = 1
        return await terminateCommand(this)
      }
      collector.start(this.interval * 1000)
      const prune = setInterval(
        () =>
          void collector
            .prune()
            .catch((e) => this.logger.warning(`listeners: prune failed: ${e.message}`)),
        24 * 3600_000
      )
      this.logger.info(`polling Icecast every ${this.interval} s`)
      const stop = async (signal: string) => {
        this.logger.info(`${signal}: stopping`)
        clearInterval(prune)
        await collector.stop()
        await terminateCommand(this)
      }
      process.once('SIGTERM', () => void stop('SIGTERM'))
      process.once('SIGINT', () => void stop('SIGINT'))
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('listeners', error)) this.logger.error(line)
      await terminateCommand(this)
    }
  }
}
