import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import antenneConfig from '#config/antenne'
import { EventDeliverer } from '#events/event_deliverer'
import { events } from '#events/event_outbox'
import { loadSinksFile } from '#events/sinks_file'
import { RadioVisPublisher } from '#events/radiovis'
import { commandFailureLines, terminateCommand } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

export default class EventsDeliver extends BaseCommand {
  static commandName = 'events:deliver'
  static description =
    'Deliver events to their sinks (log, webhooks, RabbitMQ) and publish RadioVIS, until stopped'
  static help = [
    'Runs beside the streamer (systemd: node ace streamer:unit --service events). Sinks are made in the',
    'CMS (/staff/events) or listed in ANTENNE_EVENT_SINKS_FILE; RadioVIS runs when ANTENNE_RADIOVIS_URL is set.',
    '{{ binaryName }} events:deliver --once   delivers what is waiting, then exits',
  ]

  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.boolean({ description: 'One delivery pass, then exit (cron, tests)' })
  declare once?: boolean

  @flags.number({
    description: 'Milliseconds between passes',
    default: antenneConfig.events.pollInterval,
  })
  declare interval: number

  async run() {
    const logger = {
      info: (m: string) => this.logger.info(m),
      warn: (m: string) => this.logger.warning(m),
      error: (m: string) => this.logger.error(m),
    }
    const deliverer = new EventDeliverer(logger)
    let radiovis: RadioVisPublisher | null = null
    try {
      if (!Number.isInteger(this.interval) || this.interval < 50)
        throw new InvalidArgumentException(`invalid --interval "${this.interval}": 50 ms or more`)
      if (antenneConfig.events.sinksFile) {
        const { loaded, deactivated } = await loadSinksFile(antenneConfig.events.sinksFile)
        this.logger.info(
          `sinks file: ${loaded} sink(s) loaded${deactivated ? `, ${deactivated} deactivated` : ''}`
        )
      }
      await events.adoptOrphanSpools()
      if (this.once) {
        const outcomes = await deliverer.deliverAll()
        for (const [name, outcome] of outcomes) this.logger.info(`${name}: ${outcome}`)
        await deliverer.stop()
        return await terminateCommand(this)
      }
      deliverer.start(this.interval)
      if (antenneConfig.radiovis.url) {
        radiovis = new RadioVisPublisher({
          ...antenneConfig.radiovis,
          url: antenneConfig.radiovis.url,
          publicUrl: antenneConfig.publicUrl,
          logger,
        })
        radiovis.start()
        this.logger.info(`radiovis: publishing to ${antenneConfig.radiovis.exchange}`)
      }
      const prune = setInterval(
        () =>
          void deliverer
            .prune()
            .catch((e) => this.logger.warning(`events: prune failed: ${e.message}`)),
        3600_000
      )
      this.logger.info(`delivering events every ${this.interval} ms`)
      const stop = async (signal: string) => {
        this.logger.info(`${signal}: stopping`)
        clearInterval(prune)
        await deliverer.stop()
        await radiovis?.stop()
        await terminateCommand(this)
      }
      process.once('SIGTERM', () => void stop('SIGTERM'))
      process.once('SIGINT', () => void stop('SIGINT'))
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('events:deliver', error)) this.logger.error(line)
      await deliverer.stop()
      await terminateCommand(this)
    }
  }
}
